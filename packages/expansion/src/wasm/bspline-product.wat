;; Local B-spline x identity products, wasm SIMD (128-bit). Built by `pnpm build:wasm` (scripts/wasm-kernels.mjs,
;; npm `wabt`) into bspline-product.generated.ts; packages/core/src/wasm-heap.test.ts rebuilds it and compares.
;;
;; The memory is the tfjs wasm backend's own (imported), so the kernels read and write tensors in place.
;; Every input (r, j) of x [b, m] has one window of 4 columns of W [n, D] (D = m*K, K = t + d >= 4) that holds
;; its d + 1 <= 4 nonzero bases: `cols[r*m + j]` (i32) is the window's first column, `vals[(r*m + j)*4 ..]`
;; (f32 x 4) the bases on it (zeros on lanes outside the support, all zeros outside the grid).
;; Pointers are byte offsets; arrays are row-major float32 / int32.
(module
  (import "env" "memory" (memory 1))

  ;; y[r, o] = sum__j sum__l vals[r, j, l] * W[o, cols[r, j] + l], for r < b, o < n.
  ;; Eight rows of W at a time share each window's cols/vals loads (32 multiply-adds per window). The inputs go
  ;; in chunks of `jc`, so the chunk of the 8 rows of W (8 * jc * K floats) stays in cache over the b samples;
  ;; each chunk adds its partial sums into y (zeroed first). The rows left over go one at a time.
  (func (export "forward") (param $w i32) (param $cols i32) (param $vals i32) (param $y i32)
                          (param $b i32) (param $m i32) (param $n i32) (param $D i32) (param $jc i32)
    (local $r i32) (local $o i32) (local $rowBytes i32) (local $j0 i32) (local $j1 i32) (local $py i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $w4 i32) (local $w5 i32) (local $w6 i32) (local $w7 i32)
    (local $pc i32) (local $pv i32) (local $end i32) (local $off i32)
    (local $vv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $s01 v128) (local $s23 v128)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (memory.fill (local.get $y) (i32.const 0) (i32.shl (i32.mul (local.get $b) (local.get $n)) (i32.const 2)))
    (local.set $o (i32.const 0))
    ;; blocks of eight output columns
    (block $odone8
      (loop $oloop8
        (br_if $odone8 (i32.gt_u (i32.add (local.get $o) (i32.const 8)) (local.get $n)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $rowBytes))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
        (local.set $w4 (i32.add (local.get $w3) (local.get $rowBytes)))
        (local.set $w5 (i32.add (local.get $w4) (local.get $rowBytes)))
        (local.set $w6 (i32.add (local.get $w5) (local.get $rowBytes)))
        (local.set $w7 (i32.add (local.get $w6) (local.get $rowBytes)))
        (local.set $j0 (i32.const 0))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.ge_u (local.get $j0) (local.get $m)))
            (local.set $j1 (i32.add (local.get $j0) (local.get $jc)))
            (local.set $j1 (select (local.get $j1) (local.get $m) (i32.lt_u (local.get $j1) (local.get $m))))
            (local.set $r (i32.const 0))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $r) (local.get $b)))
                (local.set $pc (i32.add (local.get $cols) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $m)) (local.get $j0)) (i32.const 2))))
                (local.set $pv (i32.add (local.get $vals) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $m)) (local.get $j0)) (i32.const 4))))
                (local.set $end (i32.add (local.get $pc) (i32.shl (i32.sub (local.get $j1) (local.get $j0)) (i32.const 2))))
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $a1 (v128.const i32x4 0 0 0 0))
                (local.set $a2 (v128.const i32x4 0 0 0 0))
                (local.set $a3 (v128.const i32x4 0 0 0 0))
                (local.set $a4 (v128.const i32x4 0 0 0 0))
                (local.set $a5 (v128.const i32x4 0 0 0 0))
                (local.set $a6 (v128.const i32x4 0 0 0 0))
                (local.set $a7 (v128.const i32x4 0 0 0 0))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.ge_u (local.get $pc) (local.get $end)))
                    (local.set $off (i32.shl (i32.load (local.get $pc)) (i32.const 2)))
                    (local.set $vv (v128.load (local.get $pv)))
                    (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $off))) (local.get $vv))))
                    (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $w1) (local.get $off))) (local.get $vv))))
                    (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $w2) (local.get $off))) (local.get $vv))))
                    (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $w3) (local.get $off))) (local.get $vv))))
                    (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (i32.add (local.get $w4) (local.get $off))) (local.get $vv))))
                    (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load (i32.add (local.get $w5) (local.get $off))) (local.get $vv))))
                    (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (i32.add (local.get $w6) (local.get $off))) (local.get $vv))))
                    (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load (i32.add (local.get $w7) (local.get $off))) (local.get $vv))))
                    (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
                    (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
                    (br $jloop)))
                ;; horizontal sums: [sum a0, sum a1, sum a2, sum a3] and [sum a4, .., sum a7], added into y[r, o .. o + 8]
                (local.set $py (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $o)) (i32.const 2))))
                (v128.store (local.get $py) (f32x4.add (v128.load (local.get $py))
                  (f32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (local.tee $s01 (f32x4.add
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1))))
                    (local.tee $s23 (f32x4.add
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3)))))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s01) (local.get $s23)))))
                (v128.store offset=16 (local.get $py) (f32x4.add (v128.load offset=16 (local.get $py))
                  (f32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (local.tee $s01 (f32x4.add
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a4) (local.get $a5))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a4) (local.get $a5))))
                    (local.tee $s23 (f32x4.add
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a6) (local.get $a7))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a6) (local.get $a7)))))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s01) (local.get $s23)))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rloop)))
            (local.set $j0 (local.get $j1))
            (br $cloop)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $oloop8)))
    ;; the remaining output columns, one at a time
    (block $odone1
      (loop $oloop1
        (br_if $odone1 (i32.ge_u (local.get $o) (local.get $n)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $rowBytes))))
        (local.set $r (i32.const 0))
        (block $rdone1
          (loop $rloop1
            (br_if $rdone1 (i32.ge_u (local.get $r) (local.get $b)))
            (local.set $pc (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
            (local.set $pv (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 4))))
            (local.set $end (i32.add (local.get $pc) (i32.shl (local.get $m) (i32.const 2))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (block $jdone1
              (loop $jloop1
                (br_if $jdone1 (i32.ge_u (local.get $pc) (local.get $end)))
                (local.set $off (i32.shl (i32.load (local.get $pc)) (i32.const 2)))
                (local.set $a0 (f32x4.add (local.get $a0)
                  (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $off))) (v128.load (local.get $pv)))))
                (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
                (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
                (br $jloop1)))
            (f32.store
              (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $o)) (i32.const 2)))
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 2 (local.get $a0)))
                (f32.add (f32x4.extract_lane 1 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop1)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $oloop1))))

  ;; dW[o, cols[r, j] + l] = sum__r dy[r, o] * vals[r, j, l] (all other entries 0), for o < n: the gradient of
  ;; `forward` with respect to W, scattered into the windows. dW is zeroed first. Eight rows of dW at a time, the
  ;; inputs in chunks of `jc` (so the 8 rows' chunk of dW stays in cache over the b samples); the rest one at a time.
  ;; dy's rows are `ldy` floats apart (n for the whole of dW; more when a caller computes rows o0.. of dW alone).
  (func (export "gradW") (param $dy i32) (param $cols i32) (param $vals i32) (param $dw i32)
                        (param $b i32) (param $m i32) (param $n i32) (param $D i32) (param $jc i32) (param $ldy i32)
    (local $r i32) (local $o i32) (local $rowBytes i32) (local $j0 i32) (local $j1 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $w4 i32) (local $w5 i32) (local $w6 i32) (local $w7 i32)
    (local $pc i32) (local $pv i32) (local $end i32) (local $off i32) (local $pdy i32) (local $p i32)
    (local $vv v128) (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $d4 v128) (local $d5 v128) (local $d6 v128) (local $d7 v128)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (local.get $n) (local.get $rowBytes)))
    (local.set $o (i32.const 0))
    (block $odone8
      (loop $oloop8
        (br_if $odone8 (i32.gt_u (i32.add (local.get $o) (i32.const 8)) (local.get $n)))
        (local.set $w0 (i32.add (local.get $dw) (i32.mul (local.get $o) (local.get $rowBytes))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
        (local.set $w4 (i32.add (local.get $w3) (local.get $rowBytes)))
        (local.set $w5 (i32.add (local.get $w4) (local.get $rowBytes)))
        (local.set $w6 (i32.add (local.get $w5) (local.get $rowBytes)))
        (local.set $w7 (i32.add (local.get $w6) (local.get $rowBytes)))
        (local.set $j0 (i32.const 0))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.ge_u (local.get $j0) (local.get $m)))
            (local.set $j1 (i32.add (local.get $j0) (local.get $jc)))
            (local.set $j1 (select (local.get $j1) (local.get $m) (i32.lt_u (local.get $j1) (local.get $m))))
            (local.set $r (i32.const 0))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $r) (local.get $b)))
                (local.set $pdy (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ldy)) (local.get $o)) (i32.const 2))))
                (local.set $d0 (v128.load32_splat offset=0 (local.get $pdy)))
                (local.set $d1 (v128.load32_splat offset=4 (local.get $pdy)))
                (local.set $d2 (v128.load32_splat offset=8 (local.get $pdy)))
                (local.set $d3 (v128.load32_splat offset=12 (local.get $pdy)))
                (local.set $d4 (v128.load32_splat offset=16 (local.get $pdy)))
                (local.set $d5 (v128.load32_splat offset=20 (local.get $pdy)))
                (local.set $d6 (v128.load32_splat offset=24 (local.get $pdy)))
                (local.set $d7 (v128.load32_splat offset=28 (local.get $pdy)))
                (local.set $pc (i32.add (local.get $cols) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $m)) (local.get $j0)) (i32.const 2))))
                (local.set $pv (i32.add (local.get $vals) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $m)) (local.get $j0)) (i32.const 4))))
                (local.set $end (i32.add (local.get $pc) (i32.shl (i32.sub (local.get $j1) (local.get $j0)) (i32.const 2))))
                (block $jdone
                  (loop $jloop
                    (br_if $jdone (i32.ge_u (local.get $pc) (local.get $end)))
                    (local.set $off (i32.shl (i32.load (local.get $pc)) (i32.const 2)))
                    (local.set $vv (v128.load (local.get $pv)))
                    (local.set $p (i32.add (local.get $w0) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d0))))
                    (local.set $p (i32.add (local.get $w1) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d1))))
                    (local.set $p (i32.add (local.get $w2) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d2))))
                    (local.set $p (i32.add (local.get $w3) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d3))))
                    (local.set $p (i32.add (local.get $w4) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d4))))
                    (local.set $p (i32.add (local.get $w5) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d5))))
                    (local.set $p (i32.add (local.get $w6) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d6))))
                    (local.set $p (i32.add (local.get $w7) (local.get $off)))
                    (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (local.get $vv) (local.get $d7))))
                    (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
                    (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
                    (br $jloop)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rloop)))
            (local.set $j0 (local.get $j1))
            (br $cloop)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $oloop8)))
    ;; the remaining rows of dW, one at a time
    (block $odone1
      (loop $oloop1
        (br_if $odone1 (i32.ge_u (local.get $o) (local.get $n)))
        (local.set $w0 (i32.add (local.get $dw) (i32.mul (local.get $o) (local.get $rowBytes))))
        (local.set $r (i32.const 0))
        (block $rdone1
          (loop $rloop1
            (br_if $rdone1 (i32.ge_u (local.get $r) (local.get $b)))
            (local.set $d0 (f32x4.splat (f32.load
              (i32.add (local.get $dy) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $ldy)) (local.get $o)) (i32.const 2))))))
            (local.set $pc (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 2))))
            (local.set $pv (i32.add (local.get $vals) (i32.shl (i32.mul (local.get $r) (local.get $m)) (i32.const 4))))
            (local.set $end (i32.add (local.get $pc) (i32.shl (local.get $m) (i32.const 2))))
            (block $jdone1
              (loop $jloop1
                (br_if $jdone1 (i32.ge_u (local.get $pc) (local.get $end)))
                (local.set $p (i32.add (local.get $w0) (i32.shl (i32.load (local.get $pc)) (i32.const 2))))
                (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.mul (v128.load (local.get $pv)) (local.get $d0))))
                (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
                (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
                (br $jloop1)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop1)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $oloop1))))

  ;; The windows of `count` inputs x (row-major [b, m]): u = (x - lo)/h + d (float64), q = floor(u), f = u - q;
  ;; the d + 1 bases by the uniform Cox-de Boor triangle on the lanes, a_j <- ((f + k - j)*a_{j-1} + (j + 1 - f)*a_j)/k
  ;; for k = 1..d (lanes past k stay 0), then shifted by (q - d) - s lanes into the window s = clamp(q - d, 0, K - 4)
  ;; (a swizzle whose out-of-range lanes read 0). Outside [g_0, g_{t+2d}): window 0, all zeros; NaN: all NaN.
  (func (export "windows") (param $x i32) (param $cols i32) (param $vals i32) (param $count i32) (param $m i32)
                          (param $lo f64) (param $h f64) (param $t i32) (param $d i32)
    (local $e i32) (local $j i32) (local $K i32) (local $top f64) (local $u f64) (local $fl f64)
    (local $q i32) (local $k i32) (local $i0 i32) (local $s i32) (local $fv v128) (local $a v128) (local $kf v128)
    (local $pv i32) (local $d2 v128) (local $lo2 v128) (local $h2 v128) (local $top2 v128) (local $xv v128)
    (local $ul v128) (local $uh v128) (local $fll v128) (local $flh v128) (local $inr v128) (local $nanv v128)
    (local $i0v v128) (local $sv v128) (local $jv v128) (local $fill v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $K (i32.add (local.get $t) (local.get $d)))
    (local.set $top (f64.convert_i32_s (i32.add (local.get $t) (i32.shl (local.get $d) (i32.const 1)))))
    (local.set $e (i32.const 0))
    (local.set $j (i32.const 0))
    ;; four inputs at a time (m >= 4, so a group wraps past the row end at most once): the lanes are the inputs,
    ;; a0..a3 the bases (the same operations as the one-input path below, so the same bits), transposed at the end.
    (local.set $d2 (f64x2.splat (f64.convert_i32_s (local.get $d))))
    (local.set $lo2 (f64x2.splat (local.get $lo)))
    (local.set $h2 (f64x2.splat (local.get $h)))
    (local.set $top2 (f64x2.splat (local.get $top)))
    (local.set $i0v (v128.const i32x4 0 0 0 0))
    (block $vdone
      (br_if $vdone (i32.lt_u (local.get $m) (i32.const 4)))
      (loop $vnext
        (br_if $vdone (i32.gt_u (i32.add (local.get $e) (i32.const 4)) (local.get $count)))
        (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $ul (f64x2.add (f64x2.div (f64x2.sub (f64x2.promote_low_f32x4 (local.get $xv)) (local.get $lo2)) (local.get $h2)) (local.get $d2)))
        (local.set $uh (f64x2.add (f64x2.div (f64x2.sub (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv))) (local.get $lo2)) (local.get $h2)) (local.get $d2)))
        ;; in = 0 <= u < top (false for NaN), nan = u != u: the low halves of the 64-bit masks
        (local.set $inr (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (v128.and (f64x2.ge (local.get $ul) (v128.const f64x2 0 0)) (f64x2.lt (local.get $ul) (local.get $top2)))
          (v128.and (f64x2.ge (local.get $uh) (v128.const f64x2 0 0)) (f64x2.lt (local.get $uh) (local.get $top2)))))
        (local.set $nanv (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (f64x2.ne (local.get $ul) (local.get $ul)) (f64x2.ne (local.get $uh) (local.get $uh))))
        (local.set $fll (f64x2.floor (local.get $ul)))
        (local.set $flh (f64x2.floor (local.get $uh)))
        (local.set $fv (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $ul) (local.get $fll)))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $uh) (local.get $flh)))))
        ;; i0 = q - d (lanes outside the grid: anything, masked below)
        (local.set $i0v (i32x4.sub
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (local.get $fll)) (i32x4.trunc_sat_f64x2_s_zero (local.get $flh)))
          (i32x4.splat (local.get $d))))
        (local.set $a0 (v128.const f32x4 1 1 1 1))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
          (if (i32.ge_s (local.get $d) (i32.const 1))
            (then
              (local.set $kf (v128.const f32x4 1 1 1 1)) ;; k = 1: the division by 1 left out (exact)
              (local.set $a1 (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 1 1 1 1)) (local.get $a0)))
              (local.set $a0 (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $fv)) (local.get $a0)))))
          (if (i32.ge_s (local.get $d) (i32.const 2))
            (then
              (local.set $kf (v128.const f32x4 2 2 2 2)) ;; k = 2: times 0.5, exactly the division by 2
              (local.set $a2 (f32x4.mul (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 2 2 2 2)) (local.get $a1)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
              (local.set $a1 (f32x4.mul (f32x4.add
                (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 1 1 1 1)) (local.get $a0))
                (f32x4.mul (f32x4.sub (v128.const f32x4 2 2 2 2) (local.get $fv)) (local.get $a1))) (v128.const f32x4 0.5 0.5 0.5 0.5)))
              (local.set $a0 (f32x4.mul (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $fv)) (local.get $a0)) (v128.const f32x4 0.5 0.5 0.5 0.5)))))
          (if (i32.ge_s (local.get $d) (i32.const 3))
            (then
              (local.set $kf (v128.const f32x4 3 3 3 3))
              (local.set $a3 (f32x4.div (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 3 3 3 3)) (local.get $a2)) (local.get $kf)))
              (local.set $a2 (f32x4.div (f32x4.add
                (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 2 2 2 2)) (local.get $a1))
                (f32x4.mul (f32x4.sub (v128.const f32x4 3 3 3 3) (local.get $fv)) (local.get $a2))) (local.get $kf)))
              (local.set $a1 (f32x4.div (f32x4.add
                (f32x4.mul (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 1 1 1 1)) (local.get $a0))
                (f32x4.mul (f32x4.sub (v128.const f32x4 2 2 2 2) (local.get $fv)) (local.get $a1))) (local.get $kf)))
              (local.set $a0 (f32x4.div (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $fv)) (local.get $a0)) (local.get $kf)))))
        ;; outside the grid: zeros; NaN: NaN; both with s = 0 and no shift
        (local.set $fill (v128.and (local.get $nanv) (v128.const f32x4 nan nan nan nan)))
        (local.set $a0 (v128.bitselect (local.get $a0) (local.get $fill) (local.get $inr)))
        (local.set $a1 (v128.bitselect (local.get $a1) (local.get $fill) (local.get $inr)))
        (local.set $a2 (v128.bitselect (local.get $a2) (local.get $fill) (local.get $inr)))
        (local.set $a3 (v128.bitselect (local.get $a3) (local.get $fill) (local.get $inr)))
        ;; s = clamp(i0, 0, K - 4), the shift i0 - s (both 0 outside the grid)
        (local.set $sv (v128.and (local.get $inr)
          (i32x4.min_s (i32x4.max_s (local.get $i0v) (v128.const i32x4 0 0 0 0)) (i32x4.splat (i32.sub (local.get $K) (i32.const 4))))))
        (local.set $i0v (v128.and (local.get $inr) (i32x4.shl (i32x4.sub (local.get $i0v) (local.get $sv)) (i32.const 2))))
        ;; cols = j*K + s, j of the four inputs (one wrap at most)
        (local.set $jv (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 1 2 3)))
        (local.set $jv (v128.bitselect (i32x4.sub (local.get $jv) (i32x4.splat (local.get $m))) (local.get $jv)
          (i32x4.ge_s (local.get $jv) (i32x4.splat (local.get $m)))))
        (v128.store (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2)))
          (i32x4.add (i32x4.mul (local.get $jv) (i32x4.splat (local.get $K))) (local.get $sv)))
        ;; transpose: t0 = [a0.0 a1.0 a0.1 a1.1], t1 = [a0.2 a1.2 a0.3 a1.3], t2, t3 the same of a2, a3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
        ;; input i's bases moved by its shift into its window: lane l <- a[l - shift] (out-of-range bytes read 0)
        (local.set $pv (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 4))))
        (v128.store offset=0 (local.get $pv) (i8x16.swizzle
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2))
          (i8x16.sub (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i8x16.splat (i32x4.extract_lane 0 (local.get $i0v))))))
        (v128.store offset=16 (local.get $pv) (i8x16.swizzle
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2))
          (i8x16.sub (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i8x16.splat (i32x4.extract_lane 1 (local.get $i0v))))))
        (v128.store offset=32 (local.get $pv) (i8x16.swizzle
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3))
          (i8x16.sub (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i8x16.splat (i32x4.extract_lane 2 (local.get $i0v))))))
        (v128.store offset=48 (local.get $pv) (i8x16.swizzle
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))
          (i8x16.sub (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i8x16.splat (i32x4.extract_lane 3 (local.get $i0v))))))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (if (i32.ge_u (local.get $j) (local.get $m)) (then (local.set $j (i32.sub (local.get $j) (local.get $m)))))
        (br $vnext)))
    ;; the rest one input at a time
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $e) (local.get $count)))
        (local.set $u (f64.add
          (f64.div (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $e) (i32.const 2))))) (local.get $lo)) (local.get $h))
          (f64.convert_i32_s (local.get $d))))
        (local.set $s (i32.const 0))
        (if (f64.ne (local.get $u) (local.get $u))
          (then (local.set $a (v128.const f32x4 nan nan nan nan)))
          (else
            (if (i32.and (f64.ge (local.get $u) (f64.const 0)) (f64.lt (local.get $u) (local.get $top)))
              (then
                (local.set $fl (f64.floor (local.get $u)))
                (local.set $q (i32.trunc_f64_s (local.get $fl)))
                (local.set $fv (f32x4.splat (f32.demote_f64 (f64.sub (local.get $u) (local.get $fl)))))
                (local.set $a (v128.const f32x4 1 0 0 0))
                (local.set $k (i32.const 1))
                (block $tdone
                  (loop $tri
                    (br_if $tdone (i32.gt_s (local.get $k) (local.get $d)))
                    (local.set $kf (f32x4.splat (f32.convert_i32_s (local.get $k))))
                    (local.set $a (f32x4.div
                      (f32x4.add
                        ;; (f + k - j)*a_{j-1}: the lanes moved up by one, lane 0 from zero
                        (f32x4.mul
                          (f32x4.sub (f32x4.add (local.get $fv) (local.get $kf)) (v128.const f32x4 0 1 2 3))
                          (i8x16.shuffle 0 1 2 3 16 17 18 19 20 21 22 23 24 25 26 27 (v128.const i32x4 0 0 0 0) (local.get $a)))
                        ;; (j + 1 - f)*a_j
                        (f32x4.mul (f32x4.sub (v128.const f32x4 1 2 3 4) (local.get $fv)) (local.get $a)))
                      (local.get $kf)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $tri)))
                (local.set $i0 (i32.sub (local.get $q) (local.get $d)))
                (local.set $s (select (local.get $i0) (i32.const 0) (i32.gt_s (local.get $i0) (i32.const 0))))
                (local.set $s (select (local.get $s) (i32.sub (local.get $K) (i32.const 4))
                  (i32.lt_s (local.get $s) (i32.sub (local.get $K) (i32.const 4)))))
                ;; lane l <- a[l - (i0 - s)]: byte indices 4*l + c - 4*(i0 - s); out of 0..15 reads 0
                (local.set $a (i8x16.swizzle (local.get $a)
                  (i8x16.sub (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                    (i8x16.splat (i32.shl (i32.sub (local.get $i0) (local.get $s)) (i32.const 2)))))))
              (else (local.set $a (v128.const i32x4 0 0 0 0))))))
        (i32.store (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2)))
          (i32.add (i32.mul (local.get $j) (local.get $K)) (local.get $s)))
        (v128.store (i32.add (local.get $vals) (i32.shl (local.get $e) (i32.const 4))) (local.get $a))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (local.get $j) (local.get $m)) (then (local.set $j (i32.const 0))))
        (br $next))))
)
