// RUN: rong-opt %s --rong-amdgpu-prepare-math \
// RUN: | mlir-opt --convert-scf-to-cf --convert-vector-to-llvm --convert-math-to-llvm --convert-math-to-libm --finalize-memref-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// REQUIRES: mlir-runner

// Tests on the host, against the C library, the math that
// rong-amdgpu-prepare-math writes for the AMDGPU backend: powf on 40 pairs
// that exercise every special case (negative bases with odd, even and
// non-integral exponents, signed zeros, infinities, NaNs, 1 and -1, denormal
// and huge results), tanh of the bases and erf of the exponents. Results
// agree when both are NaN, when they are equal with the same sign, or within
// 2e-5 (powf) / 1e-5 relative. Only the rewrite is under test: exp2 and
// log2 come from the host's libm here, from v_exp_f32 / v_log_f32 on the
// GPU. Mismatches are printed with their index; upstream's powf expansion,
// exp(b * log a), fails 16 of the pairs.

// CHECK:      powf mismatches: 0
// CHECK-NEXT: tanh mismatches: 0
// CHECK-NEXT: erf mismatches: 0

memref.global "private" constant @bases : memref<40xf32> = dense<[2.0, -2.0, -2.0, -2.0, 0.0, -0.0, 0.0, -0.0, -0.0, 0.0, 1.0, 1.0, -1.0, -1.0, 0x7FC00000, 2.0, -8.0, 0x7F800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.5, 0.5, 2.0, 10.0, 10.0, 3.0, 1.5, 0.001, 1.0e-30, -3.5, -3.5, 7.25, 1.0e-40, 123.456, 0.9999, 2.0, -0.5, 0xFF800000, 65504.0]>
memref.global "private" constant @exponents : memref<40xf32> = dense<[3.0, 3.0, 2.0, -1.0, -1.0, -1.0, 0.0, 3.0, -2.0, 2.5, 0x7FC00000, 0x7F800000, 0x7F800000, 0xFF800000, 0.0, 0x7FC00000, 0.33333334, -0.5, 3.0, 0.5, -3.0, 0x7F800000, 0xFF800000, 0xFF800000, 30.0, -30.0, 0.5, 100.0, 2.7, 0.5, 4.0, -5.0, 1.7, 0.5, -2.3, 10000.0, 16777216.0, 16777217.0, 2.0, 1.5]>

func.func private @powf(f32, f32) -> f32
func.func private @tanhf(f32) -> f32
func.func private @erff(f32) -> f32

// 1 when x and reference agree: both NaN, equal (infinities, signed zeros
// included) or within `tol` relative.
func.func @agree(%x: f32, %ref: f32, %tol: f32) -> i32 {
  %nanx = arith.cmpf uno, %x, %x : f32
  %nanr = arith.cmpf uno, %ref, %ref : f32
  %bothnan = arith.andi %nanx, %nanr : i1
  %eq = arith.cmpf oeq, %x, %ref : f32
  %xb = arith.bitcast %x : f32 to i32
  %rb = arith.bitcast %ref : f32 to i32
  %c31 = arith.constant 31 : i32
  %xs = arith.shrui %xb, %c31 : i32
  %rs = arith.shrui %rb, %c31 : i32
  %samesign = arith.cmpi eq, %xs, %rs : i32
  %eqs = arith.andi %eq, %samesign : i1
  %d = arith.subf %x, %ref : f32
  %ad = math.absf %d : f32
  %ar = math.absf %ref : f32
  %lim = arith.mulf %ar, %tol : f32
  %close = arith.cmpf ole, %ad, %lim : f32
  %a = arith.ori %bothnan, %eqs : i1
  %b = arith.ori %a, %close : i1
  %r = arith.extui %b : i1 to i32
  return %r : i32
}

func.func @main() {
  %a = memref.get_global @bases : memref<40xf32>
  %b = memref.get_global @exponents : memref<40xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 40 : index
  %zero = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %tolpow = arith.constant 2.0e-5 : f32
  %tolfn = arith.constant 1.0e-5 : f32
  %bad:3 = scf.for %i = %c0 to %n step %c1 iter_args(%p = %zero, %t = %zero, %e = %zero) -> (i32, i32, i32) {
    %x = memref.load %a[%i] : memref<40xf32>
    %y = memref.load %b[%i] : memref<40xf32>
    %r = math.powf %x, %y : f32
    %ref = func.call @powf(%x, %y) : (f32, f32) -> f32
    %okp = func.call @agree(%r, %ref, %tolpow) : (f32, f32, f32) -> i32
    %badp = arith.subi %one, %okp : i32
    %ip = arith.index_cast %i : index to i32
    %okb = arith.trunci %okp : i32 to i1
    scf.if %okb {} else {
      vector.print %ip : i32
      vector.print %r : f32
      vector.print %ref : f32
    }
    %th = math.tanh %x : f32
    %thr = func.call @tanhf(%x) : (f32) -> f32
    %okt = func.call @agree(%th, %thr, %tolfn) : (f32, f32, f32) -> i32
    %badt = arith.subi %one, %okt : i32
    %er = math.erf %y : f32
    %err = func.call @erff(%y) : (f32) -> f32
    %oke = func.call @agree(%er, %err, %tolfn) : (f32, f32, f32) -> i32
    %bade = arith.subi %one, %oke : i32
    %p2 = arith.addi %p, %badp : i32
    %t2 = arith.addi %t, %badt : i32
    %e2 = arith.addi %e, %bade : i32
    scf.yield %p2, %t2, %e2 : i32, i32, i32
  }
  vector.print str "powf mismatches: "
  vector.print %bad#0 : i32
  vector.print str "tanh mismatches: "
  vector.print %bad#1 : i32
  vector.print str "erf mismatches: "
  vector.print %bad#2 : i32
  return
}
