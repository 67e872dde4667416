// RUN: rong-opt %s --rong-cpu-approximate-math \
// RUN: | mlir-opt --convert-vector-to-scf --convert-scf-to-cf --convert-vector-to-llvm --convert-math-to-llvm --convert-math-to-libm --finalize-memref-to-llvm --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils \
// RUN: | FileCheck %s
// REQUIRES: mlir-runner

// Runs Rong's f32 exp (rong-cpu-approximate-math) on the host against the C
// library's expf on 199,680 arguments from -100 to 95 in steps of 2^-10,
// eight at a time in vector<8xf32> as the CPU kernels compute it:
//
// - normal results below 127.5 ln 2 (x < 88.376): at most 1 ulp apart;
// - results from there to the overflow threshold, where the reduced
//   argument grows to ln 2: at most 8 ulp;
// - above the threshold: +inf;
// - where expf is below 2^-126: 0 or a value no larger than 2^-126 (the
//   expansion flushes results below 2^-126 to zero, as upstream's does);
//
// and prints exp(0), exp(-inf), exp(+inf), exp(NaN) and exp(-0).

// CHECK:      main-range misses: 0
// CHECK-NEXT: top-range misses: 0
// CHECK-NEXT: overflow misses: 0
// CHECK-NEXT: underflow misses: 0
// CHECK-NEXT: ( 1, 0, inf, nan, 1, 1, 0, inf )

func.func private @expf(f32) -> f32

// |bits(a) - bits(b)| for a, b >= 0: their distance in ulps.
func.func @ulps(%a: f32, %b: f32) -> i32 {
  %ia = arith.bitcast %a : f32 to i32
  %ib = arith.bitcast %b : f32 to i32
  %d = arith.subi %ia, %ib : i32
  %a1 = math.absi %d : i32
  return %a1 : i32
}

// 1 when exp(x) = `got` misses its bound against expf(x) = `ref`, by range.
func.func @misses(%x: f32, %got: f32, %ref: f32) -> (i32, i32, i32, i32) {
  %zero = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %eight = arith.constant 8 : i32
  %top = arith.constant 88.376 : f32
  %tiny = arith.constant 1.17549435e-38 : f32
  %inf = arith.constant 0x7F800000 : f32
  %u = func.call @ulps(%got, %ref) : (f32, f32) -> i32
  %refinf = arith.cmpf oeq, %ref, %inf : f32
  %refsub = arith.cmpf olt, %ref, %tiny : f32
  %below = arith.cmpf olt, %x, %top : f32
  %normal = arith.cmpf oge, %ref, %tiny : f32
  %finite = arith.cmpf olt, %ref, %inf : f32
  %isnormal = arith.andi %normal, %finite : i1
  // main range
  %m0 = arith.andi %isnormal, %below : i1
  %mbad = arith.cmpi ugt, %u, %one : i32
  %m = arith.andi %m0, %mbad : i1
  // top range
  %true = arith.constant true
  %above = arith.xori %below, %true : i1
  %t0 = arith.andi %isnormal, %above : i1
  %tbad = arith.cmpi ugt, %u, %eight : i32
  %t = arith.andi %t0, %tbad : i1
  // overflow
  %gotinf = arith.cmpf oeq, %got, %inf : f32
  %notinf = arith.xori %gotinf, %true : i1
  %o = arith.andi %refinf, %notinf : i1
  // underflow: 0 <= got <= 2^-126
  %zf = arith.constant 0.0 : f32
  %neg = arith.cmpf olt, %got, %zf : f32
  %big = arith.cmpf ogt, %got, %tiny : f32
  %ubad = arith.ori %neg, %big : i1
  %s = arith.andi %refsub, %ubad : i1
  %mi = arith.extui %m : i1 to i32
  %ti = arith.extui %t : i1 to i32
  %oi = arith.extui %o : i1 to i32
  %si = arith.extui %s : i1 to i32
  return %mi, %ti, %oi, %si : i32, i32, i32, i32
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = arith.constant 199680 : index
  %zero = arith.constant 0 : i32
  %step = arith.constant 9.765625e-04 : f32
  %start = arith.constant -100.0 : f32
  %lanes = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : vector<8xf32>
  %stepv = vector.broadcast %step : f32 to vector<8xf32>
  %startv = vector.broadcast %start : f32 to vector<8xf32>
  %bad:4 = scf.for %i = %c0 to %n step %c8 iter_args(%a = %zero, %b = %zero, %c = %zero, %d = %zero) -> (i32, i32, i32, i32) {
    %ii = arith.index_cast %i : index to i32
    %fi = arith.sitofp %ii : i32 to f32
    %base = vector.broadcast %fi : f32 to vector<8xf32>
    %k = arith.addf %base, %lanes : vector<8xf32>
    %xs = math.fma %k, %stepv, %startv : vector<8xf32>
    %ys = math.exp %xs : vector<8xf32>
    %r:4 = scf.for %l = %c0 to %c8 step %c1 iter_args(%a1 = %a, %b1 = %b, %c1_ = %c, %d1 = %d) -> (i32, i32, i32, i32) {
      %x = vector.extract %xs[%l] : f32 from vector<8xf32>
      %y = vector.extract %ys[%l] : f32 from vector<8xf32>
      %ref = func.call @expf(%x) : (f32) -> f32
      %m:4 = func.call @misses(%x, %y, %ref) : (f32, f32, f32) -> (i32, i32, i32, i32)
      %a2 = arith.addi %a1, %m#0 : i32
      %b2 = arith.addi %b1, %m#1 : i32
      %c2 = arith.addi %c1_, %m#2 : i32
      %d2 = arith.addi %d1, %m#3 : i32
      scf.yield %a2, %b2, %c2, %d2 : i32, i32, i32, i32
    }
    scf.yield %r#0, %r#1, %r#2, %r#3 : i32, i32, i32, i32
  }
  vector.print str "main-range misses: "
  vector.print %bad#0 : i32
  vector.print str "top-range misses: "
  vector.print %bad#1 : i32
  vector.print str "overflow misses: "
  vector.print %bad#2 : i32
  vector.print str "underflow misses: "
  vector.print %bad#3 : i32
  %special = arith.constant dense<[0.0, 0xFF800000, 0x7F800000, 0x7FC00000, -0.0, 1.0e-30, -1000.0, 1000.0]> : vector<8xf32>
  %e = math.exp %special : vector<8xf32>
  vector.print %e : vector<8xf32>
  return
}
