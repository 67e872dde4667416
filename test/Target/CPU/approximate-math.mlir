// RUN: rong-opt %s --split-input-file --rong-cpu-approximate-math | FileCheck %s

// f32 exp becomes Rong's expansion: a clamp, the magic-number rounding fma
// and its clamp, two fmas reducing the argument, seven fmas of the
// polynomial, and the rounded value's bits shifted into 2^n. No floor, no
// float-to-int conversion (upstream's expansion has both).

// CHECK-LABEL: func.func @exp_vector
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.floor
// CHECK-NOT:     arith.fptosi
// CHECK-DAG:     %[[LO:.+]] = arith.constant dense<-8.780000e+01> : vector<8xf32>
// CHECK-DAG:     %[[LOG2E:.+]] = arith.constant dense<1.44269502> : vector<8xf32>
// CHECK-DAG:     %[[MAGIC:.+]] = arith.constant dense<0x4B40007F> : vector<8xf32>
// CHECK-DAG:     %[[MAX:.+]] = arith.constant dense<0x4B4000FE> : vector<8xf32>
// CHECK-DAG:     %[[C23:.+]] = arith.constant dense<23> : vector<8xi32>
// CHECK:         %[[GE:.+]] = arith.cmpf uge, %[[X:.+]], %[[LO]]
// CHECK:         %[[XC:.+]] = arith.select %[[GE]], %[[X]], %[[LO]]
// CHECK:         %[[T0:.+]] = math.fma %[[XC]], %[[LOG2E]], %[[MAGIC]]
// CHECK:         %[[LE:.+]] = arith.cmpf ule, %[[T0]], %[[MAX]]
// CHECK:         %[[T:.+]] = arith.select %[[LE]], %[[T0]], %[[MAX]]
// CHECK:         %[[N:.+]] = arith.subf %[[T]], %[[MAGIC]]
// CHECK-COUNT-9: math.fma
// CHECK:         %[[BITS:.+]] = arith.bitcast %[[T]] : vector<8xf32> to vector<8xi32>
// CHECK:         %[[SHIFTED:.+]] = arith.shli %[[BITS]], %[[C23]]
// CHECK:         %[[SCALE:.+]] = arith.bitcast %[[SHIFTED]] : vector<8xi32> to vector<8xf32>
// CHECK:         %[[R:.+]] = arith.mulf %{{.+}}, %[[SCALE]]
// CHECK:         return %[[R]]
func.func @exp_vector(%x: vector<8xf32>) -> vector<8xf32> {
  %y = math.exp %x : vector<8xf32>
  return %y : vector<8xf32>
}

// -----

// Scalars too; f16 is computed in f32 and truncated.

// CHECK-LABEL: func.func @exp_scalar_and_f16
// CHECK-NOT:     math.exp
// CHECK:         arith.shli %{{.+}} : i32
// CHECK:         arith.extf %{{.+}} : f16 to f32
// CHECK:         arith.shli %{{.+}} : i32
// CHECK:         arith.truncf %{{.+}} : f32 to f16
func.func @exp_scalar_and_f16(%x: f32, %h: f16) -> (f32, f16) {
  %y = math.exp %x : f32
  %z = math.exp %h : f16
  return %y, %z : f32, f16
}

// -----

// exp2 is exp(x ln 2); tanh and erf take upstream's approximations. f64 exp
// is left for LLVM (a libm call).

// CHECK-LABEL: func.func @others
// CHECK-NOT:     math.exp2
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.erf
// CHECK:         math.exp %{{.+}} : f64
func.func @others(%x: vector<4xf32>, %d: f64) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, f64) {
  %a = math.exp2 %x : vector<4xf32>
  %b = math.tanh %x : vector<4xf32>
  %c = math.erf %x : vector<4xf32>
  %e = math.exp %d : f64
  return %a, %b, %c, %e : vector<4xf32>, vector<4xf32>, vector<4xf32>, f64
}
