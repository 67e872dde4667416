// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a residual add feeding a LayerNorm over 2048 f32 columns gets one
// block of 128 threads per row (4 chunks of 4 per thread): the sum is stored
// as the group's first result while it is in registers, the mean and the
// variance are two block reductions (subgroup shuffles, then one shared slot
// per subgroup and a barrier), and the normalised row is scaled and shifted
// by the [N] vectors, indexed by column only.

// CHECK-LABEL: gpu.func @residual_layer_norm_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<8x2048xf32>, %[[H:[^:]+]]: memref<8x2048xf32>, %[[G:[^:]+]]: memref<2048xf32>, %[[B:[^:]+]]: memref<2048xf32>, %[[S:[^:]+]]: memref<8x2048xf32>, %[[Y:[^:]+]]: memref<8x2048xf32>)
//  CHECK-SAME:     workgroup(%[[SCRATCH:.+]] : memref<8xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.args = ["in0", "in1", "in2", "in3", "out0", "out1"]
//  CHECK-SAME:     rong.block = array<i64: 128, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 8, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.block"
//   CHECK-DAG:   %[[FS:.+]] = memref.collapse_shape %[[S]]
//   CHECK-DAG:   %[[FY:.+]] = memref.collapse_shape %[[Y]]
//   CHECK-DAG:   %[[TID:.+]] = gpu.thread_id  x
//   CHECK-DAG:   %[[ROW:.+]] = gpu.block_id  x
//       CHECK:   %[[COL0:.+]] = arith.muli %[[TID]], %c4 : index
//       CHECK:   %[[BASE:.+]] = arith.muli %[[ROW]], %c2048 : index
//       CHECK:   %[[OFF0:.+]] = arith.addi %[[BASE]], %[[COL0]] : index
//       CHECK:   %[[X0:.+]] = vector.load %{{.+}}[%[[OFF0]]]
//       CHECK:   %[[H0:.+]] = vector.load %{{.+}}[%[[OFF0]]]
//       CHECK:   %[[S0:.+]] = arith.addf %[[X0]], %[[H0]] : vector<4xf32>
//       CHECK:   vector.store %[[S0]], %[[FS]][%[[OFF0]]]
// Mean: subgroup butterfly, then across the 4 subgroups of the block.
//       CHECK:   vector.reduction <add>
//       CHECK:   %[[WARP:.+]] = arith.divui %[[TID]], %c32 : index
//       CHECK:   %[[LEAD:.+]] = arith.cmpi eq, %{{.+}}, %c0 : index
//       CHECK:   scf.if %[[LEAD]] {
//  CHECK-NEXT:     memref.store %{{.+}}, %[[SCRATCH]][%[[WARP]]]
//  CHECK-NEXT:   }
//  CHECK-NEXT:   gpu.barrier
//       CHECK:   memref.load %[[SCRATCH]]
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c2_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//       CHECK:   %[[MEAN:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
//       CHECK:   %[[MV:.+]] = vector.broadcast %[[MEAN]]
//       CHECK:   %[[D0:.+]] = arith.subf %[[S0]], %[[MV]] : vector<4xf32>
//       CHECK:   arith.mulf %[[D0]], %[[D0]] : vector<4xf32>
// Variance: its own scratch slots, so no barrier is needed between the two.
//       CHECK:   scf.if %[[LEAD]] {
//  CHECK-NEXT:     %[[SLOT:.+]] = arith.addi %[[WARP]], %c4 : index
//  CHECK-NEXT:     memref.store %{{.+}}, %[[SCRATCH]][%[[SLOT]]]
//       CHECK:   gpu.barrier
//       CHECK:   %[[VAR:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
//       CHECK:   %[[VE:.+]] = arith.addf %[[VAR]], %{{.+}} : f32
//       CHECK:   %[[RSTD:.+]] = math.rsqrt %[[VE]] : f32
//       CHECK:   %[[RV:.+]] = vector.broadcast %[[RSTD]]
//       CHECK:   %[[N0:.+]] = arith.mulf %[[D0]], %[[RV]] : vector<4xf32>
//       CHECK:   %[[G0:.+]] = vector.load %[[G]][%[[COL0]]]
//       CHECK:   %[[SC0:.+]] = arith.mulf %[[N0]], %[[G0]]
//       CHECK:   %[[B0:.+]] = vector.load %[[B]][%[[COL0]]]
//       CHECK:   %[[Y0:.+]] = arith.addf %[[SC0]], %[[B0]]
//       CHECK:   vector.store %[[Y0]], %[[FY]][%[[OFF0]]]
func.func @residual_layer_norm(%x: tensor<8x2048xf32>, %h: tensor<8x2048xf32>, %g: tensor<2048xf32>, %b: tensor<2048xf32>) -> (tensor<8x2048xf32>, tensor<8x2048xf32>) {
  %r:2 = rong.fusion kind = "stitch" (%x, %h, %g, %b) : (tensor<8x2048xf32>, tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> (tensor<8x2048xf32>, tensor<8x2048xf32>) {
  ^bb0(%a0: tensor<8x2048xf32>, %a1: tensor<8x2048xf32>, %a2: tensor<2048xf32>, %a3: tensor<2048xf32>):
    %s = rong.add %a0, %a1 : tensor<8x2048xf32>, tensor<8x2048xf32>
    %n = rong.layer_norm %s, %a2, %a3 axis = -1 epsilon = 1.0e-05 : tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>
    rong.yield %s, %n : tensor<8x2048xf32>, tensor<8x2048xf32>
  }
  return %r#0, %r#1 : tensor<8x2048xf32>, tensor<8x2048xf32>
}

// -----

// Tests that the decomposed form (what a graph imported op by op holds)
// lowers like the named op: the mean is a sum divided by the row width, the
// rows are 16384 wide, so 1024 threads per row of 4 chunks of 4 and 32
// scratch slots per reduction.

// CHECK-LABEL: gpu.func @decomposed_fusion_0
//  CHECK-SAME:     workgroup(%{{.+}} : memref<64xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.block = array<i64: 1024, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 4, 1, 1>
//       CHECK:   %[[W:.+]] = arith.constant 1.638400e+04 : f32
// CHECK-COUNT-2:   arith.divf %{{.+}}, %[[W]] : f32
//       CHECK:   math.rsqrt
func.func @decomposed(%x: tensor<4x16384xf32>) -> tensor<4x16384xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<4x16384xf32>) -> tensor<4x16384xf32> {
  ^bb0(%a: tensor<4x16384xf32>):
    %m = rong.reduce_mean %a axes = [-1] keepdims : tensor<4x16384xf32>
    %d = rong.sub %a, %m : tensor<4x16384xf32>, tensor<4x1xf32>
    %q = rong.mul %d, %d : tensor<4x16384xf32>, tensor<4x16384xf32>
    %v = rong.reduce_mean %q axes = [-1] keepdims : tensor<4x16384xf32>
    %e = rong.constant dense<1.0e-05> : tensor<f32>
    %ve = rong.add %v, %e : tensor<4x1xf32>, tensor<f32>
    %r = rong.rsqrt %ve : tensor<4x1xf32>
    %y = rong.mul %d, %r : tensor<4x16384xf32>, tensor<4x1xf32>
    rong.yield %y : tensor<4x16384xf32>
  }
  return %r : tensor<4x16384xf32>
}
