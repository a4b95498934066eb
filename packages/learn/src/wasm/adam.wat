;; One Adam/AdamW step of one float32 tensor in one pass, on the tfjs wasm backend's own heap
;; (the memory is imported; every pointer is a byte offset into it). The operations and their order
;; are those of the plain path's 13 kernels, each in float32 (IEEE, so the same bits):
;;   mode 1 (decoupled, AdamW): p ← p·kwd          mode 2 (coupled, Adam): g ← g + p·kwd
;;   m ← m·kb1 + g·k1b1;  v ← v·kb2 + (g·g)·k1b2;  p ← p − (m / (√v + keps))·kstep
;; Built by `pnpm build:wasm` (scripts/wasm-kernels.mjs, npm `wabt`) into adam.generated.ts, twice: with this
;; plain memory import, and with a shared one for tfjs's threaded build.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $po i32) (param $mo i32) (param $vo i32) (param $n i32) (param $mode i32)
    (param $kb1 f32) (param $k1b1 f32) (param $kb2 f32) (param $k1b2 f32)
    (param $kwd f32) (param $keps f32) (param $kstep f32)
    (local $off i32) (local $end i32)
    (local $pv v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128)
    (local $wd v128) (local $ep v128) (local $st v128)
    (local $ps f32) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $kb1)))
    (local.set $c1 (f32x4.splat (local.get $k1b1)))
    (local.set $b2 (f32x4.splat (local.get $kb2)))
    (local.set $c2 (f32x4.splat (local.get $k1b2)))
    (local.set $wd (f32x4.splat (local.get $kwd)))
    (local.set $ep (f32x4.splat (local.get $keps)))
    (local.set $st (f32x4.splat (local.get $kstep)))
    ;; $end: bytes covered by whole 4-lane vectors
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $off (i32.const 0))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $pv (v128.load (i32.add (local.get $p) (local.get $off))))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then (local.set $pv (f32x4.mul (local.get $pv) (local.get $wd)))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (local.get $pv) (local.get $wd))))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $off))) (local.get $b1))
          (f32x4.mul (local.get $gv) (local.get $c1))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $off))) (local.get $b2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $c2))))
        (v128.store (i32.add (local.get $po) (local.get $off))
          (f32x4.sub (local.get $pv)
            (f32x4.mul
              (f32x4.div (local.get $mv) (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $ep)))
              (local.get $st))))
        (v128.store (i32.add (local.get $mo) (local.get $off)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $off)) (local.get $vv))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $vloop)))
    ;; the last n mod 4 elements, one at a time
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $ps (f32.load (i32.add (local.get $p) (local.get $off))))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $off))))
        (if (i32.eq (local.get $mode) (i32.const 1))
          (then (local.set $ps (f32.mul (local.get $ps) (local.get $kwd)))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $gs (f32.add (local.get $gs) (f32.mul (local.get $ps) (local.get $kwd))))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $off))) (local.get $kb1))
          (f32.mul (local.get $gs) (local.get $k1b1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $off))) (local.get $kb2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $k1b2))))
        (f32.store (i32.add (local.get $po) (local.get $off))
          (f32.sub (local.get $ps)
            (f32.mul
              (f32.div (local.get $ms) (f32.add (f32.sqrt (local.get $vs)) (local.get $keps)))
              (local.get $kstep))))
        (f32.store (i32.add (local.get $mo) (local.get $off)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $off)) (local.get $vs))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $sloop)))))
