// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 | FileCheck %s

// Tests that a group whose results have no elements gets no kernel (there is
// nothing to launch): its results become empty constants, while a group
// reading an empty operand is compiled as usual.

// CHECK-LABEL: func.func @empty
//       CHECK:   %[[E:.+]] = rong.constant dense<> : tensor<3x0x5xf32>
//       CHECK:   gpu.launch_func @empty_fusion_1::@empty_fusion_1
//       CHECK:   return %[[E]], %{{.+}} : tensor<3x0x5xf32>, tensor<3x5xf32>
//   CHECK-NOT:   gpu.module @empty_fusion_0
//       CHECK:   gpu.module @empty_fusion_1
func.func @empty(%x: tensor<3x0x5xf32>, %y: tensor<3x5xf32>) -> (tensor<3x0x5xf32>, tensor<3x5xf32>) {
  %a = rong.fusion kind = "loop" (%x) : (tensor<3x0x5xf32>) -> tensor<3x0x5xf32> {
  ^bb0(%p: tensor<3x0x5xf32>):
    %r = rong.relu %p : tensor<3x0x5xf32>
    rong.yield %r : tensor<3x0x5xf32>
  }
  %b = rong.fusion kind = "loop" (%x, %y) : (tensor<3x0x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32> {
  ^bb0(%p: tensor<3x0x5xf32>, %q: tensor<3x5xf32>):
    %s = rong.reshape %q shape = [3, 1, 5] : tensor<3x5xf32>
    %c = rong.concat %p, %s axis = 1 : tensor<3x0x5xf32>, tensor<3x1x5xf32>
    %t = rong.reshape %c shape = [3, 5] : tensor<3x1x5xf32>
    rong.yield %t : tensor<3x5xf32>
  }
  return %a, %b : tensor<3x0x5xf32>, tensor<3x5xf32>
}
