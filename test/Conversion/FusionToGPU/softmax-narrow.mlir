// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a softmax whose result is bf16 computes exp(x - max) as
// 2^((x - max) log2(e) + 24) through an `afn` exp2 (CUDA's flushing
// ex2.approx.ftz), scaled back by 2^-24 with an ordinary multiply so
// denormal results survive, and multiplies each element by the row's
// reciprocal, computed once per row, instead of dividing each element. An f32
// softmax keeps the accurate exp and the division (softmax.mlir).

// CHECK-LABEL: gpu.func @softmax_bf16_fusion_0
//  CHECK-SAME:     rong.strategy = "row.warp"
//   CHECK-DAG:   %[[UNBIAS:.+]] = arith.constant dense<5.96046448E-8> : vector<8xf32>
//   CHECK-DAG:   %[[BIAS:.+]] = arith.constant dense<2.400000e+01> : vector<8xf32>
//   CHECK-DAG:   %[[LOG2E:.+]] = arith.constant dense<1.44269502> : vector<8xf32>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//  CHECK-NEXT:   %[[MAX:.+]] = arith.maximumf %{{.+}} : f32
//       CHECK:   %[[MV:.+]] = vector.broadcast %[[MAX]] : f32 to vector<8xf32>
//       CHECK:   %[[D0:.+]] = arith.subf %{{.+}}, %[[MV]] : vector<8xf32>
//       CHECK:   %[[T0:.+]] = arith.mulf %[[D0]], %[[LOG2E]] fastmath<contract> : vector<8xf32>
//       CHECK:   %[[B0:.+]] = arith.addf %[[T0]], %[[BIAS]] fastmath<contract> : vector<8xf32>
//       CHECK:   %[[P0:.+]] = math.exp2 %[[B0]] fastmath<afn> : vector<8xf32>
//       CHECK:   %[[E0:.+]] = arith.mulf %[[P0]], %[[UNBIAS]] : vector<8xf32>
//   CHECK-NOT:   math.exp %
//       CHECK:   vector.reduction <add>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//  CHECK-NEXT:   %[[SUM:.+]] = arith.addf %{{.+}} : f32
//  CHECK-NEXT:   %[[INV:.+]] = arith.divf %{{.+}}, %[[SUM]] : f32
//  CHECK-NEXT:   %[[IV:.+]] = vector.broadcast %[[INV]] : f32 to vector<8xf32>
//  CHECK-NEXT:   %[[Y0:.+]] = arith.mulf %[[E0]], %[[IV]] : vector<8xf32>
//  CHECK-NEXT:   arith.truncf %[[Y0]] : vector<8xf32> to vector<8xbf16>
//   CHECK-NOT:   arith.divf
//       CHECK:   gpu.return
func.func @softmax_bf16(%x: tensor<64x1024xbf16>) -> tensor<64x1024xbf16> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xbf16>) -> tensor<64x1024xbf16> {
  ^bb0(%a: tensor<64x1024xbf16>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xbf16>
    rong.yield %s : tensor<64x1024xbf16>
  }
  return %r : tensor<64x1024xbf16>
}
