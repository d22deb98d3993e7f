;; Exact decimal-to-double conversion for the table reader, as WebAssembly: every value it accepts
;; equals JavaScript's `Number(text)` bit for bit; what it cannot convert exactly it reports, and the
;; caller converts that text with `Number()`.
;;
;; - Digits are read eight at a time from one 64-bit word (SWAR): the word's first non-digit byte is
;;   found with one add and one count of trailing zeros, and its digits are combined in three
;;   multiply-shift steps. A significand keeps up to 19 digits exactly in a u64.
;; - Rounding is Eisel–Lemire (as in fast_float): the significand times a 128-bit approximation of
;;   5^q gives the double's 53 bits and whether the truncated tail could change them. Integer
;;   arithmetic only; no division. Results that would be subnormal or infinite, exponents outside
;;   10^-342..10^308, non-zero digits beyond the 19th, and the ambiguous products the algorithm
;;   cannot decide are left to `Number()`.
;;
;; Memory: the caller writes the table of powers of five at POWERS (651 entries of two u64, high
;; then low, for q = -342..308) and the powers of ten at TENS (10^0..10^8) and LIMITS (10^(19-k));
;; see lib/decimal-wasm.ts, which also places the line, the output values and the fallback list.

(module
  (memory (export "memory") 1)

  ;; Tables written by the caller (byte offsets).
  (global $POWERS i32 (i32.const 0))
  (global $TENS i32 (i32.const 10496))
  (global $LIMITS i32 (i32.const 10568))

  ;; What the last `number` read: its value, and 1 when that value is exact (0: use Number()).
  (global $value (export "value") (mut f64) (f64.const 0))
  (global $exact (export "exact") (mut i32) (i32.const 0))
  ;; After `cells`: cells read, and how many went to the fallback list.
  (global $cellsRead (export "cellsRead") (mut i32) (i32.const 0))
  (global $fallbacks (export "fallbacks") (mut i32) (i32.const 0))

  ;; The high 64 bits of the last `low64` product.
  (global $high (mut i64) (i64.const 0))

  ;; The low 64 bits of the unsigned product a * b; its high 64 bits into $high.
  (func $low64 (param $a i64) (param $b i64) (result i64)
    (local $al i64) (local $ah i64) (local $bl i64) (local $bh i64)
    (local $p0 i64) (local $p1 i64) (local $p2 i64) (local $mid i64)
    (local.set $al (i64.and (local.get $a) (i64.const 0xffffffff)))
    (local.set $ah (i64.shr_u (local.get $a) (i64.const 32)))
    (local.set $bl (i64.and (local.get $b) (i64.const 0xffffffff)))
    (local.set $bh (i64.shr_u (local.get $b) (i64.const 32)))
    (local.set $p0 (i64.mul (local.get $al) (local.get $bl)))
    (local.set $p1 (i64.mul (local.get $al) (local.get $bh)))
    (local.set $p2 (i64.mul (local.get $ah) (local.get $bl)))
    (local.set $mid
      (i64.add
        (i64.add (i64.shr_u (local.get $p0) (i64.const 32)) (i64.and (local.get $p1) (i64.const 0xffffffff)))
        (i64.and (local.get $p2) (i64.const 0xffffffff))))
    (global.set $high
      (i64.add
        (i64.add
          (i64.add (i64.mul (local.get $ah) (local.get $bh)) (i64.shr_u (local.get $p1) (i64.const 32)))
          (i64.shr_u (local.get $p2) (i64.const 32)))
        (i64.shr_u (local.get $mid) (i64.const 32))))
    (i64.or (i64.shl (local.get $mid) (i64.const 32)) (i64.and (local.get $p0) (i64.const 0xffffffff))))

  ;; Eisel–Lemire: the double nearest w * 10^q for w > 0, or NaN when the exact answer is left to
  ;; Number() (q out of the table, a subnormal or infinite result, an undecidable product).
  (func $eiselLemire (param $w i64) (param $q i32) (result f64)
    (local $lz i64) (local $at i32) (local $hi i64) (local $lo i64) (local $tail i64)
    (local $upper i64) (local $mantissa i64) (local $power i64)
    (if (i32.gt_u (i32.add (local.get $q) (i32.const 342)) (i32.const 650))
      (then (return (f64.const nan))))
    (local.set $lz (i64.clz (local.get $w)))
    (local.set $w (i64.shl (local.get $w) (local.get $lz)))
    (local.set $at (i32.add (global.get $POWERS) (i32.shl (i32.add (local.get $q) (i32.const 342)) (i32.const 4))))
    (local.set $lo (call $low64 (local.get $w) (i64.load (local.get $at))))
    (local.set $hi (global.get $high))
    ;; The bits below the 55 that matter are all ones: the lower half of the power may carry into them.
    (if (i64.eq (i64.and (local.get $hi) (i64.const 0x1ff)) (i64.const 0x1ff))
      (then
        (drop (call $low64 (local.get $w) (i64.load offset=8 (local.get $at))))
        (local.set $tail (global.get $high))
        (local.set $lo (i64.add (local.get $lo) (local.get $tail)))
        (if (i64.lt_u (local.get $lo) (local.get $tail))
          (then (local.set $hi (i64.add (local.get $hi) (i64.const 1)))))
        ;; Still all ones: outside 10^-27..10^55 the 128-bit product cannot tell (fast_float's guard).
        (if (i32.and
              (i64.eq (local.get $lo) (i64.const -1))
              (i32.gt_u (i32.add (local.get $q) (i32.const 27)) (i32.const 82)))
          (then (return (f64.const nan))))))
    (local.set $upper (i64.shr_u (local.get $hi) (i64.const 63)))
    (local.set $mantissa (i64.shr_u (local.get $hi) (i64.add (local.get $upper) (i64.const 9))))
    ;; floor(q * log2(10)) + 63 + upper - lz, biased by 1023.
    (local.set $power
      (i64.sub
        (i64.add
          (i64.extend_i32_s
            (i32.add (i32.shr_s (i32.mul (local.get $q) (i32.const 217706)) (i32.const 16)) (i32.const 63)))
          (i64.add (local.get $upper) (i64.const 1023)))
        (local.get $lz)))
    (if (i64.le_s (local.get $power) (i64.const 0))
      (then (return (f64.const nan))))
    ;; An exact halfway case (possible only for 10^-4..10^23): round to even, not up.
    (if (i32.and
          (i32.and
            (i64.le_u (local.get $lo) (i64.const 1))
            (i32.le_u (i32.add (local.get $q) (i32.const 4)) (i32.const 27)))
          (i64.eq (i64.and (local.get $mantissa) (i64.const 3)) (i64.const 1)))
      (then
        (if (i64.eq (i64.shl (local.get $mantissa) (i64.add (local.get $upper) (i64.const 9))) (local.get $hi))
          (then (local.set $mantissa (i64.and (local.get $mantissa) (i64.const -2)))))))
    (local.set $mantissa
      (i64.shr_u (i64.add (local.get $mantissa) (i64.and (local.get $mantissa) (i64.const 1))) (i64.const 1)))
    (if (i64.ge_u (local.get $mantissa) (i64.const 0x20000000000000))
      (then
        (local.set $mantissa (i64.const 0x10000000000000))
        (local.set $power (i64.add (local.get $power) (i64.const 1)))))
    (if (i64.ge_s (local.get $power) (i64.const 2047))
      (then (return (f64.const nan))))
    (f64.reinterpret_i64
      (i64.or
        (i64.and (local.get $mantissa) (i64.const 0xfffffffffffff))
        (i64.shl (local.get $power) (i64.const 52)))))

  ;; Reads a plain decimal `[+-]digits[.digits][(e|E)[+-]digits]` (or `[+-].digits...`) at p: sets
  ;; $value and $exact and returns the position after it, or -1 when there is none there. The byte
  ;; after the number is not checked. Memory must hold a non-number byte after it, and 8 readable
  ;; bytes past that.
  (func $number (export "number") (param $p i32) (result i32)
    (local $b i32) (local $negative i32) (local $m i64) (local $scale i32) (local $digits i32)
    (local $fraction i32) (local $dropped i32) (local $w i64) (local $x i64) (local $k i32) (local $v i64)
    (local $i i32) (local $d i32) (local $exponent i32) (local $exponentNegative i32) (local $result f64)
    (local.set $b (i32.load8_u (local.get $p)))
    (local.set $negative (i32.eq (local.get $b) (i32.const 45)))
    (local.set $p (i32.add (local.get $p) (i32.or (local.get $negative) (i32.eq (local.get $b) (i32.const 43)))))
    (loop $word
      ;; k: how many of the next eight bytes are digits before the first that is not.
      (local.set $w (i64.load (local.get $p)))
      (local.set $x (i64.xor (local.get $w) (i64.const 0x3030303030303030)))
      (local.set $k
        (i32.wrap_i64
          (i64.shr_u
            (i64.ctz
              (i64.and
                (i64.or (i64.add (local.get $x) (i64.const 0x7676767676767676)) (local.get $x))
                (i64.const 0x8080808080808080)))
            (i64.const 3))))
      (if (local.get $k)
        (then
          (if (i64.lt_u (local.get $m) (i64.load (i32.add (global.get $LIMITS) (i32.shl (local.get $k) (i32.const 3)))))
            (then
              ;; The k digits moved to the top of the word (zeros below read as leading zeros), combined.
              (local.set $v
                (i64.and
                  (i64.shl (local.get $w) (i64.extend_i32_u (i32.shl (i32.sub (i32.const 8) (local.get $k)) (i32.const 3))))
                  (i64.const 0x0f0f0f0f0f0f0f0f)))
              (local.set $v
                (i64.and
                  (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.shr_u (local.get $v) (i64.const 8)))
                  (i64.const 0x00ff00ff00ff00ff)))
              (local.set $v
                (i64.and
                  (i64.add (i64.mul (local.get $v) (i64.const 100)) (i64.shr_u (local.get $v) (i64.const 16)))
                  (i64.const 0x0000ffff0000ffff)))
              (local.set $v
                (i64.and
                  (i64.add (i64.mul (local.get $v) (i64.const 10000)) (i64.shr_u (local.get $v) (i64.const 32)))
                  (i64.const 0xffffffff)))
              (local.set $m
                (i64.add
                  (i64.mul (local.get $m) (i64.load (i32.add (global.get $TENS) (i32.shl (local.get $k) (i32.const 3)))))
                  (local.get $v)))
              (local.set $scale (i32.sub (local.get $scale) (i32.mul (local.get $k) (local.get $fraction)))))
            (else
              ;; Near 19 digits: one digit at a time; beyond them, digits are dropped (noting non-zero ones).
              (local.set $i (i32.const 0))
              (loop $digit
                (local.set $d (i32.sub (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 48)))
                (if (i64.lt_u (local.get $m) (i64.const 1000000000000000000))
                  (then
                    (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
                    (local.set $scale (i32.sub (local.get $scale) (local.get $fraction))))
                  (else
                    (local.set $dropped (i32.or (local.get $dropped) (local.get $d)))
                    (local.set $scale (i32.add (local.get $scale) (i32.sub (i32.const 1) (local.get $fraction))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $digit (i32.lt_u (local.get $i) (local.get $k))))))
          (local.set $p (i32.add (local.get $p) (local.get $k)))
          (local.set $digits (i32.add (local.get $digits) (local.get $k)))))
      (br_if $word (i32.eq (local.get $k) (i32.const 8)))
      (local.set $b (i32.load8_u (local.get $p)))
      (if (i32.and (i32.eq (local.get $b) (i32.const 46)) (i32.eqz (local.get $fraction)))
        (then
          (local.set $fraction (i32.const 1))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $word))))
    (if (i32.eqz (local.get $digits))
      (then (return (i32.const -1))))
    (if (i32.eq (i32.or (local.get $b) (i32.const 32)) (i32.const 101))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u (local.get $p)))
        (local.set $exponentNegative (i32.eq (local.get $b) (i32.const 45)))
        (if (i32.or (local.get $exponentNegative) (i32.eq (local.get $b) (i32.const 43)))
          (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $b (i32.load8_u (local.get $p)))))
        (local.set $d (i32.sub (local.get $b) (i32.const 48)))
        (if (i32.gt_u (local.get $d) (i32.const 9))
          (then (return (i32.const -1))))
        (loop $exponentDigit
          ;; Capped far beyond any double's range.
          (if (i32.lt_u (local.get $exponent) (i32.const 100000))
            (then (local.set $exponent (i32.add (i32.mul (local.get $exponent) (i32.const 10)) (local.get $d)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
          (br_if $exponentDigit (i32.le_u (local.get $d) (i32.const 9))))
        (local.set $scale
          (i32.add
            (local.get $scale)
            (select
              (i32.sub (i32.const 0) (local.get $exponent))
              (local.get $exponent)
              (local.get $exponentNegative))))))
    (if (i64.eqz (local.get $m))
      (then (local.set $result (f64.const 0)))
      (else (local.set $result (call $eiselLemire (local.get $m) (local.get $scale)))))
    (global.set $exact
      (i32.and (i32.eqz (local.get $dropped)) (f64.eq (local.get $result) (local.get $result))))
    (global.set $value (select (f64.neg (local.get $result)) (local.get $result) (local.get $negative)))
    (local.get $p))

  ;; Reads n tab-separated cells from p (the line ends at `end`) into f64 at `out`. An empty cell is
  ;; NaN (pandas' missing value). A cell that is not a plain decimal, or not exactly convertible, is
  ;; written NaN and listed at `fallback` as (cell index, start position) pairs of i32, for the caller
  ;; to convert or reject. Returns the position after the n-th cell (the line's end when the count is
  ;; right), or -1 when the line has fewer cells; $cellsRead says how many were read.
  (func (export "cells") (param $p i32) (param $end i32) (param $n i32) (param $out i32) (param $fallback i32) (result i32)
    (local $c i32) (local $start i32) (local $q i32) (local $slot i32)
    (global.set $fallbacks (i32.const 0))
    (block $done
      (loop $cell
        (local.set $start (local.get $p))
        (block $stored
          ;; "0.0" and a tab: the commonest cell of sparse tables.
          (if (i32.eq (i32.load (local.get $p)) (i32.const 0x09302e30))
            (then
              (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (f64.const 0))
              (local.set $p (i32.add (local.get $p) (i32.const 3)))
              (br $stored)))
          (if (i32.or (i32.eq (i32.load8_u (local.get $p)) (i32.const 9)) (i32.eq (local.get $p) (local.get $end)))
            (then
              (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (f64.const nan))
              (br $stored)))
          (local.set $q (call $number (local.get $p)))
          ;; (WebAssembly's `and` evaluates both sides: no byte is read at -1.)
          (if (i32.ge_s (local.get $q) (i32.const 0))
            (then
              (if (i32.and
                    (global.get $exact)
                    (i32.or (i32.eq (local.get $q) (local.get $end)) (i32.eq (i32.load8_u (local.get $q)) (i32.const 9))))
                (then
                  (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (global.get $value))
                  (local.set $p (local.get $q))
                  (br $stored)))))
          ;; Left to the caller; skip to the cell's end.
          (f64.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 3))) (f64.const nan))
          (local.set $slot (i32.add (local.get $fallback) (i32.shl (global.get $fallbacks) (i32.const 3))))
          (i32.store (local.get $slot) (local.get $c))
          (i32.store offset=4 (local.get $slot) (local.get $start))
          (global.set $fallbacks (i32.add (global.get $fallbacks) (i32.const 1)))
          (block $skipped
            (loop $skip
              (br_if $skipped (i32.ge_u (local.get $p) (local.get $end)))
              (br_if $skipped (i32.eq (i32.load8_u (local.get $p)) (i32.const 9)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $skip))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $c) (local.get $n)))
        (if (i32.ge_u (local.get $p) (local.get $end))
          (then
            (global.set $cellsRead (local.get $c))
            (return (i32.const -1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $cell)))
    (global.set $cellsRead (local.get $c))
    (local.get $p))
)
