// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests a padded 3x3/2 max pool: one output element per thread, a loop over
// the window from (2 * oh - 1, 2 * ow - 1), one unsigned compare per axis
// (the top and left padding wrap to huge rows), a clamped in-bounds read,
// and -inf where the window is in the padding, so padding never wins.

// CHECK-LABEL: gpu.func @max_pad_fusion_0
//   CHECK-DAG:   %[[NINF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   %[[CH:.+]] = arith.remui %{{.+}}, %c8 : index
//       CHECK:   %[[OH:.+]] = arith.remui %{{.+}}, %c8 : index
//       CHECK:   %[[OW:.+]] = arith.remui %{{.+}}, %c8 : index
//       CHECK:   %[[OH2:.+]] = arith.muli %[[OH]], %c2 : index
//       CHECK:   %[[H0:.+]] = arith.addi %[[OH2]], %c-1 : index
//       CHECK:   %[[OW2:.+]] = arith.muli %[[OW]], %c2 : index
//       CHECK:   %[[W0:.+]] = arith.addi %[[OW2]], %c-1 : index
//       CHECK:   %[[M:.+]] = scf.for %[[KH:.+]] = %c0 to %c3 step %c1 iter_args(%[[ACC0:.+]] = %[[NINF]]) -> (f32) {
//       CHECK:     %[[IH:.+]] = arith.addi %[[H0]], %[[KH]] : index
//       CHECK:     scf.for %[[KW:.+]] = %c0 to %c3 step %c1 iter_args(%[[ACC:.+]] = %[[ACC0]]) -> (f32) {
//       CHECK:       %[[IW:.+]] = arith.addi %[[W0]], %[[KW]] : index
//       CHECK:       %[[INH:.+]] = arith.cmpi ult, %[[IH]], %c16 : index
//       CHECK:       %[[INW:.+]] = arith.cmpi ult, %[[IW]], %c16 : index
//       CHECK:       %[[IN:.+]] = arith.andi %[[INH]], %[[INW]] : i1
//       CHECK:       %[[CH:.+]] = arith.select %[[INH]], %[[IH]], %c0 : index
//       CHECK:       %[[CW:.+]] = arith.select %[[INW]], %[[IW]], %c0 : index
//       CHECK:       %[[RS:.+]] = arith.muli %[[CH]], %c16 : index
//       CHECK:       %[[OFF:.+]] = arith.addi %{{.+}}, %[[CW]] : index
//       CHECK:       %[[X:.+]] = memref.load %{{.+}}[%[[OFF]]] : memref<2048xf32>
//       CHECK:       %[[XM:.+]] = arith.select %[[IN]], %[[X]], %[[NINF]] : f32
//       CHECK:       %[[NEXT:.+]] = arith.maximumf %[[ACC]], %[[XM]] : f32
//       CHECK:       scf.yield %[[NEXT]] : f32
//       CHECK:   memref.store %[[M]]
func.func @max_pad(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  ^bb0(%a: tensor<1x8x16x16xf32>):
    %p = rong.max_pool2d %a kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x8x16x16xf32>
    rong.yield %p : tensor<1x8x8x8xf32>
  }
  return %r : tensor<1x8x8x8xf32>
}

// -----

// Tests the CNN's unpadded 2x2/2 max pool with the relu before it in the
// same group: no bounds checks, the relu evaluated (in f32) at each window
// position, f16 stored once.

// CHECK-LABEL: gpu.func @relu_max_fusion_0
//   CHECK-NOT:   vector.load
//       CHECK:   scf.for
//       CHECK:     scf.for
//   CHECK-NOT:       arith.cmpi
//       CHECK:       %[[X:.+]] = memref.load %{{.+}} : memref<4096xf16>
//       CHECK:       %[[XF:.+]] = arith.extf %[[X]] : f16 to f32
//       CHECK:       %[[R:.+]] = arith.maximumf %[[XF]], %{{.+}} : f32
//       CHECK:       arith.maximumf %{{.+}}, %[[R]] : f32
//       CHECK:   %[[T:.+]] = arith.truncf %{{.+}} : f32 to f16
//       CHECK:   memref.store %[[T]], %{{.+}} : memref<1024xf16>
func.func @relu_max(%x: tensor<2x8x16x16xf16>) -> tensor<2x8x8x8xf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<2x8x16x16xf16>) -> tensor<2x8x8x8xf16> {
  ^bb0(%a: tensor<2x8x16x16xf16>):
    %y = rong.relu %a : tensor<2x8x16x16xf16>
    %p = rong.max_pool2d %y kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<2x8x16x16xf16>
    rong.yield %p : tensor<2x8x8x8xf16>
  }
  return %r : tensor<2x8x8x8xf16>
}

// -----

// Tests dilation: rows oh + 2 * kh, columns ow + 2 * kw, never outside.

// CHECK-LABEL: gpu.func @max_dilated_fusion_0
//       CHECK:   scf.for %[[KH:.+]] = %c0 to %c3
//       CHECK:     %[[DH:.+]] = arith.muli %[[KH]], %c2 : index
//       CHECK:     %[[IH:.+]] = arith.addi %{{.+}}, %[[DH]] : index
//       CHECK:     scf.for %[[KW:.+]] = %c0 to %c3
//       CHECK:       %[[DW:.+]] = arith.muli %[[KW]], %c2 : index
//       CHECK:       %[[IW:.+]] = arith.addi %{{.+}}, %[[DW]] : index
//   CHECK-NOT:       arith.cmpi
//       CHECK:       %[[RS:.+]] = arith.muli %[[IH]], %c9 : index
//       CHECK:       arith.addi %[[RS]], %[[IW]] : index
func.func @max_dilated(%x: tensor<1x1x9x9xf32>) -> tensor<1x1x5x5xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x1x9x9xf32>) -> tensor<1x1x5x5xf32> {
  ^bb0(%a: tensor<1x1x9x9xf32>):
    %p = rong.max_pool2d %a kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] : tensor<1x1x9x9xf32>
    rong.yield %p : tensor<1x1x5x5xf32>
  }
  return %r : tensor<1x1x5x5xf32>
}

// -----

// Tests count_include_pad with ceil_mode: the sum skips the padding, and
// the divisor counts the window positions inside the padded input
// (0 <= ih + 1 < 8), so the last window, which hangs past the bottom
// padding, divides by what it covers.

// CHECK-LABEL: gpu.func @avg_include_ceil_fusion_0
//   CHECK-DAG:   %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[S:.+]]:2 = scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args(%{{.+}} = %[[ZERO]], %{{.+}} = %[[ZERO]]) -> (f32, f32) {
//       CHECK:     %[[IH:.+]] = arith.addi
//       CHECK:     scf.for %{{.+}} iter_args(%[[SUM:.+]] = %{{.+}}, %[[CNT:.+]] = %{{.+}}) -> (f32, f32) {
//       CHECK:       %[[IW:.+]] = arith.addi
//       CHECK:       %[[IN:.+]] = arith.andi
//       CHECK:       %[[X:.+]] = memref.load %{{.+}} : memref<72xf32>
//       CHECK:       %[[XZ:.+]] = arith.select %[[IN]], %[[X]], %[[ZERO]] : f32
//       CHECK:       %[[SUM1:.+]] = arith.addf %[[SUM]], %[[XZ]] : f32
//       CHECK:       %[[PH:.+]] = arith.addi %[[IH]], %c1 : index
//       CHECK:       %[[INPH:.+]] = arith.cmpi ult, %[[PH]], %c8 : index
//       CHECK:       %[[PW:.+]] = arith.addi %[[IW]], %c1 : index
//       CHECK:       %[[INPW:.+]] = arith.cmpi ult, %[[PW]], %c8 : index
//       CHECK:       %[[INP:.+]] = arith.andi %[[INPH]], %[[INPW]] : i1
//       CHECK:       %[[ADD:.+]] = arith.select %[[INP]], %[[ONE]], %[[ZERO]] : f32
//       CHECK:       %[[CNT1:.+]] = arith.addf %[[CNT]], %[[ADD]] : f32
//       CHECK:       scf.yield %[[SUM1]], %[[CNT1]] : f32, f32
//       CHECK:   %[[AVG:.+]] = arith.divf %[[S]]#0, %[[S]]#1 : f32
//       CHECK:   memref.store %[[AVG]]
func.func @avg_include_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%a: tensor<1x2x6x6xf32>):
    %p = rong.avg_pool2d %a kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode count_include_pad : tensor<1x2x6x6xf32>
    rong.yield %p : tensor<1x2x4x4xf32>
  }
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Tests that without count_include_pad the divisor counts only the
// positions inside the input.

// CHECK-LABEL: gpu.func @avg_exclude_fusion_0
//       CHECK:   scf.for
//       CHECK:     scf.for %{{.+}} iter_args(%[[SUM:.+]] = %{{.+}}, %[[CNT:.+]] = %{{.+}}) -> (f32, f32) {
//       CHECK:       %[[IN:.+]] = arith.andi
//       CHECK:       arith.select %[[IN]], %{{.+}}, %{{.+}} : f32
//       CHECK:       %[[ADD:.+]] = arith.select %[[IN]], %{{.+}}, %{{.+}} : f32
//       CHECK:       arith.addf %[[CNT]], %[[ADD]] : f32
//       CHECK:   arith.divf %{{.+}}#0, %{{.+}}#1 : f32
func.func @avg_exclude(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  ^bb0(%a: tensor<1x2x6x6xf32>):
    %p = rong.avg_pool2d %a kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] : tensor<1x2x6x6xf32>
    rong.yield %p : tensor<1x2x3x3xf32>
  }
  return %r : tensor<1x2x3x3xf32>
}

// -----

// Tests a global average pool (the window never leaves the input): no
// checks, the sum divided by the window size.

// CHECK-LABEL: gpu.func @avg_global_fusion_0
//   CHECK-DAG:   %[[K:.+]] = arith.constant 6.400000e+01 : f32
//       CHECK:   %[[C:.+]] = arith.remui %{{.+}}, %c16 : index
//       CHECK:   %[[S:.+]] = scf.for %[[KH:.+]] = %c0 to %c8
//       CHECK:     scf.for %[[KW:.+]] = %c0 to %c8
//   CHECK-NOT:       arith.cmpi
//       CHECK:       %[[CO:.+]] = arith.muli %[[C]], %c64 : index
//       CHECK:       %[[RO:.+]] = arith.muli %[[KH]], %c8 : index
//       CHECK:       %[[CR:.+]] = arith.addi %[[CO]], %[[RO]] : index
//       CHECK:       %[[OFF:.+]] = arith.addi %[[CR]], %[[KW]] : index
//       CHECK:       memref.load %{{.+}}[%[[OFF]]] : memref<1024xf32>
//       CHECK:   arith.divf %[[S]], %[[K]] : f32
func.func @avg_global(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%a: tensor<1x16x8x8xf32>):
    %p = rong.avg_pool2d %a kernel = [8, 8] strides = [1, 1] pads = [0, 0, 0, 0] : tensor<1x16x8x8xf32>
    rong.yield %p : tensor<1x16x1x1xf32>
  }
  return %r : tensor<1x16x1x1xf32>
}
