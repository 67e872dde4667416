// RUN: rong-opt %s --rong-form-fusions --split-input-file | FileCheck %s

// Two independent chains over the same input and domain: one kernel reads
// the input once and writes both results.
// CHECK-LABEL: func.func @siblings
// CHECK: %[[F:.*]]:2 = rong.fusion kind = "horizontal" (%arg0)
// CHECK-DAG: rong.exp
// CHECK-DAG: rong.sigmoid
// CHECK: return %[[F]]#0, %[[F]]#1
func.func @siblings(%x: tensor<256xf32>) -> (tensor<256xf32>, tensor<256xf32>) {
  %a = rong.exp %x : tensor<256xf32>
  %b = rong.sigmoid %x : tensor<256xf32>
  return %a, %b : tensor<256xf32>, tensor<256xf32>
}

// -----

// Two row reductions of the same input: one reduction group, two outputs.
// CHECK-LABEL: func.func @sibling_reductions
// CHECK: %[[F:.*]]:2 = rong.fusion kind = "reduction" (%arg0)
// CHECK-DAG: rong.reduce_max
// CHECK-DAG: rong.reduce_min
func.func @sibling_reductions(%x: tensor<8x512xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %a = rong.reduce_max %x axes = [1] : tensor<8x512xf32>
  %b = rong.reduce_min %x axes = [1] : tensor<8x512xf32>
  return %a, %b : tensor<8xf32>, tensor<8xf32>
}

// -----

// Siblings where one depends on the other (here through a view, which the
// function also returns) are not merged horizontally.
// CHECK-LABEL: func.func @dependent
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.exp
// CHECK: rong.reshape
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.add
func.func @dependent(%x: tensor<16x16xf32>) -> (tensor<16x16xf32>, tensor<16x16xf32>) {
  %a = rong.exp %x : tensor<16x16xf32>
  %r = rong.reshape %a shape = [16, 16] : tensor<16x16xf32>
  %b = rong.add %r, %x : tensor<16x16xf32>, tensor<16x16xf32>
  return %r, %b : tensor<16x16xf32>, tensor<16x16xf32>
}
