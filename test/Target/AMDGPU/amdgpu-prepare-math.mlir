// RUN: rong-opt %s --rong-amdgpu-prepare-math --split-input-file | FileCheck %s

// Tests that powf becomes exp2(b * log2|a|) with the sign of a for odd
// integral b, NaN for a negative finite a and non-integral b, and 1 for
// b = 0, a = 1 and a = -1 with b = +-inf.

// CHECK-LABEL: func.func @powf
// CHECK-SAME: (%[[A:.+]]: f32, %[[B:.+]]: f32)
// CHECK-DAG: %[[NAN:.+]] = arith.constant 0x7FC00000 : f32
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[ABS:.+]] = math.absf %[[A]] : f32
// CHECK: %[[LOG:.+]] = math.log2 %[[ABS]] : f32
// CHECK: %[[PRODUCT:.+]] = arith.mulf %[[B]], %[[LOG]] : f32
// CHECK: %[[MAGNITUDE:.+]] = math.exp2 %[[PRODUCT]] : f32
// CHECK: %[[TRUNC:.+]] = math.trunc %[[B]] : f32
// CHECK: %[[INTEGRAL:.+]] = arith.cmpf oeq, %[[TRUNC]], %[[B]] : f32
// CHECK: %[[ODD:.+]] = arith.andi %[[INTEGRAL]], %{{.+}} : i1
// CHECK: %[[SIGNED:.+]] = math.copysign %[[MAGNITUDE]], %[[A]] : f32
// CHECK: %[[POW:.+]] = arith.select %[[ODD]], %[[SIGNED]], %[[MAGNITUDE]] : f32
// CHECK: %[[FRACTION:.+]] = arith.cmpf one, %[[TRUNC]], %[[B]] : f32
// CHECK: %[[INVALID:.+]] = arith.andi %{{.+}}, %[[FRACTION]] : i1
// CHECK: %[[CHECKED:.+]] = arith.select %[[INVALID]], %[[NAN]], %[[POW]] : f32
// CHECK: %[[RESULT:.+]] = arith.select %{{.+}}, %[[ONE]], %[[CHECKED]] : f32
// CHECK: return %[[RESULT]]
func.func @powf(%a: f32, %b: f32) -> f32 {
  %r = math.powf %a, %b : f32
  return %r : f32
}

// -----

// Tests that erf (GELU) takes upstream's polynomial approximation, on
// vectors too, and leaves no math op but fma.

// CHECK-LABEL: func.func @erf
// CHECK-NOT: math.erf
// CHECK: math.fma {{.*}} : vector<8xf32>
// CHECK: arith.divf {{.*}} : vector<8xf32>
// CHECK-NOT: math.erf
func.func @erf(%x: vector<8xf32>) -> vector<8xf32> {
  %r = math.erf %x : vector<8xf32>
  return %r : vector<8xf32>
}

// -----

// Tests that an f16 tanh is approximated in f32.

// CHECK-LABEL: func.func @tanh_f16
// CHECK: %[[WIDE:.+]] = arith.extf %{{.+}} : f16 to f32
// CHECK-NOT: math.tanh
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @tanh_f16(%x: f16) -> f16 {
  %r = math.tanh %x : f16
  return %r : f16
}

// -----

// Tests that exp, log and rsqrt, which the AMDGPU code generator expands
// itself, stay.

// CHECK-LABEL: func.func @native
// CHECK: math.exp %{{.+}} : vector<4xf32>
// CHECK: math.log %{{.+}} : vector<4xf32>
// CHECK: math.rsqrt %{{.+}} : vector<4xf32>
func.func @native(%x: vector<4xf32>) -> vector<4xf32> {
  %e = math.exp %x : vector<4xf32>
  %l = math.log %e : vector<4xf32>
  %s = math.rsqrt %l : vector<4xf32>
  return %s : vector<4xf32>
}

// -----

// Tests that sinh is expanded into exp.

// CHECK-LABEL: func.func @sinh
// CHECK: math.exp
// CHECK: math.exp
// CHECK-NOT: math.sinh
func.func @sinh(%x: f32) -> f32 {
  %r = math.sinh %x : f32
  return %r : f32
}
