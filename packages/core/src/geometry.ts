/**
 * Grid and patch geometry (tinyBIG `koala.geometry`: grid, cuboid, cylinder, sphere), shared by
 * the geometric expansion, compression and interdependence functions. (Being written.)
 */
export {};
