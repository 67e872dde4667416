// RUN: rong-opt %s -split-input-file -verify-diagnostics

// Tests that rong.not rejects a float operand.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.not' op operand #0 must be ranked tensor of 1-bit signless integer or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xf32>'}}
  %0 = rong.not %x : tensor<4xf32>
  return
}

// -----

// Tests that rong.exp rejects a boolean operand.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.exp' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi1>'}}
  %0 = rong.exp %x : tensor<4xi1>
  return
}

// -----

// Tests that the numeric unary ops reject a boolean operand.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.abs' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.abs %x : tensor<4xi1>
  return
}

// -----

// Tests that rong.leaky_relu rejects an integer operand.
func.func @f(%x: tensor<4xi32>) {
  // expected-error @+1 {{'rong.leaky_relu' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = rong.leaky_relu %x : tensor<4xi32>
  return
}

// -----

// Tests that rong.gelu rejects an integer operand.
func.func @f(%x: tensor<4xi64>) {
  // expected-error @+1 {{'rong.gelu' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi64>'}}
  %0 = rong.gelu %x : tensor<4xi64>
  return
}

// -----

// Tests that rong.clip rejects a boolean operand.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.clip' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.clip %x min = 0.0 : tensor<4xi1>
  return
}

// -----

// Tests that element types outside Rong's set (f8E4M3FN) are rejected.
func.func @f(%x: tensor<4xf8E4M3FN>) {
  // expected-error @+1 {{'rong.neg' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xf8E4M3FN>'}}
  %0 = rong.neg %x : tensor<4xf8E4M3FN>
  return
}

// -----

// Tests that rong.cast rejects a target element type outside Rong's set.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.cast' op attribute 'to' failed to satisfy constraint: type attribute of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer or 1-bit signless integer}}
  %0 = rong.cast %x to f8E4M3FN : tensor<4xf32>
  return
}

// -----

// Tests that rong.cast rejects an input element type outside Rong's set.
func.func @f(%x: tensor<4xsi8>) {
  // expected-error @+1 {{'rong.cast' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer or 1-bit signless integer values, but got 'tensor<4xsi8>'}}
  %0 = rong.cast %x to f32 : tensor<4xsi8>
  return
}

// -----

// Tests that the arithmetic binary ops reject boolean operands.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.add' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.add %x, %x : tensor<4xi1>, tensor<4xi1>
  return
}

// -----

// Tests that the ordered comparisons reject boolean operands.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.lt' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.lt %x, %x : tensor<4xi1>, tensor<4xi1>
  return
}

// -----

// Tests that the logic ops reject float operands.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.and' op operand #0 must be ranked tensor of 1-bit signless integer or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xf32>'}}
  %0 = rong.and %x, %x : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.where rejects a non-boolean condition.
func.func @f(%c: tensor<4xf32>, %x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.where' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = rong.where %c, %x, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.reduce_mean rejects an integer operand.
func.func @f(%x: tensor<4xi32>) {
  // expected-error @+1 {{'rong.reduce_mean' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = rong.reduce_mean %x axes = [0] : tensor<4xi32>
  return
}

// -----

// Tests that the reductions reject a boolean operand.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.reduce_sum' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.reduce_sum %x axes = [0] : tensor<4xi1>
  return
}

// -----

// Tests that rong.argmax rejects a boolean operand.
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.argmax' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.argmax %x axis = 0 : tensor<4xi1>
  return
}

// -----

// Tests that rong.softmax rejects an integer operand.
func.func @f(%x: tensor<4xi32>) {
  // expected-error @+1 {{'rong.softmax' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<4xi32>'}}
  %0 = rong.softmax %x axis = 0 : tensor<4xi32>
  return
}

// -----

// Tests that rong.layer_norm rejects an integer input.
func.func @f(%x: tensor<2x4xi64>, %s: tensor<4xi64>) {
  // expected-error @+1 {{'rong.layer_norm' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<2x4xi64>'}}
  %0 = rong.layer_norm %x, %s axis = -1 epsilon = 1.0e-5 : tensor<2x4xi64>, tensor<4xi64>
  return
}

// -----

// Tests that rong.matmul rejects boolean operands.
func.func @f(%x: tensor<4x4xi1>) {
  // expected-error @+1 {{'rong.matmul' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4x4xi1>'}}
  %0 = rong.matmul %x, %x : tensor<4x4xi1>, tensor<4x4xi1>
  return
}

// -----

// Tests that rong.conv2d rejects an integer input.
func.func @f(%x: tensor<1x1x4x4xi32>, %w: tensor<1x1x3x3xi32>) {
  // expected-error @+1 {{'rong.conv2d' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x4x4xi32>'}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xi32>, tensor<1x1x3x3xi32>
  return
}

// -----

// Tests that rong.max_pool2d rejects a boolean input.
func.func @f(%x: tensor<1x1x4x4xi1>) {
  // expected-error @+1 {{'rong.max_pool2d' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<1x1x4x4xi1>'}}
  %0 = rong.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x1x4x4xi1>
  return
}

// -----

// Tests that rong.avg_pool2d rejects an integer input.
func.func @f(%x: tensor<1x1x4x4xi64>) {
  // expected-error @+1 {{'rong.avg_pool2d' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x1x4x4xi64>'}}
  %0 = rong.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x1x4x4xi64>
  return
}

// -----

// Tests that rong.gather rejects non-integer indices.
func.func @f(%x: tensor<4x2xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{'rong.gather' op operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = rong.gather %x, %i axis = 0 : tensor<4x2xf32>, tensor<3xf32>
  return
}

// -----

// Tests that the data movement ops reject an element type outside Rong's set.
func.func @f(%x: tensor<4xf8E4M3FN>) {
  // expected-error @+1 {{'rong.reshape' op operand #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer or 1-bit signless integer values, but got 'tensor<4xf8E4M3FN>'}}
  %0 = rong.reshape %x shape = [2, 2] : tensor<4xf8E4M3FN>
  return
}

// -----

// Tests that rong.constant rejects a value whose element type is outside Rong's set.
func.func @f() {
  // expected-error @+1 {{'rong.constant' op result #0 must be ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer or 1-bit signless integer values, but got 'tensor<2xf8E4M3FN>'}}
  %0 = rong.constant dense<1.0> : tensor<2xf8E4M3FN>
  return
}

// -----

// Tests that rong.pad rejects an unknown mode.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'rong.pad' expected string or keyword containing one of the following enum values for attribute 'mode' [constant, reflect, edge]}}
  %0 = rong.pad %x pads = [1, 1] mode = wrap value = 0.0 : tensor<4xf32>
  return
}

// -----

// Tests that rong.gelu rejects an unknown approximation.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'rong.gelu' expected string or keyword containing one of the following enum values for attribute 'approximate' [none, tanh]}}
  %0 = rong.gelu %x approximate = sigmoid : tensor<4xf32>
  return
}

// -----

// Tests that rong.fusion rejects an input element type outside Rong's set.
func.func @f(%x: tensor<4xf8E4M3FN>) {
  // expected-error @+1 {{'rong.fusion' op operand #0 must be variadic of ranked tensor of 32-bit float or 64-bit float or 16-bit float or bfloat16 type or 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer or 1-bit signless integer values, but got 'tensor<4xf8E4M3FN>'}}
  %0 = rong.fusion (%x) : (tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  ^bb0(%a: tensor<4xf8E4M3FN>):
    rong.yield %a : tensor<4xf8E4M3FN>
  }
  return
}

// -----

// Tests that rong.yield must be nested in rong.fusion.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.yield' op expects parent op 'rong.fusion'}}
  rong.yield %x : tensor<4xf32>
}

// -----

// Tests that a binary op whose declared result shape differs from the inferred one is rejected.
func.func @f(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{'rong.add' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'rong.add' op failed to infer returned types}}
  %0 = "rong.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

// Tests that a comparison must produce an i1 tensor.
func.func @f(%a: tensor<2xf32>) {
  // expected-error @+1 {{'rong.eq' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = "rong.eq"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

// Tests that rong.cast's result element type must be the `to` type.
func.func @f(%a: tensor<2xf32>) {
  // expected-error @+2 {{'rong.cast' op inferred type(s) 'tensor<2xf16>' are incompatible with return type(s) of operation 'tensor<2xbf16>'}}
  // expected-error @+1 {{'rong.cast' op failed to infer returned types}}
  %0 = "rong.cast"(%a) <{to = f16}> : (tensor<2xf32>) -> tensor<2xbf16>
  return
}

// -----

// Tests that a unary op's result type must equal its operand type.
func.func @f(%a: tensor<2xf32>) {
  // expected-error @+1 {{'rong.exp' op requires the same type for all operands and results}}
  %0 = "rong.exp"(%a) : (tensor<2xf32>) -> tensor<2xf16>
  return
}

// -----

// Tests that a reduction's declared result must keep the reduced axes under keepdims.
func.func @f(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{'rong.reduce_sum' op inferred type(s) 'tensor<2x1xf32>' are incompatible with return type(s) of operation 'tensor<2xf32>'}}
  // expected-error @+1 {{'rong.reduce_sum' op failed to infer returned types}}
  %0 = "rong.reduce_sum"(%a) <{axes = array<i64: 1>, keepdims}> : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

// Tests that rong.matmul's declared result must match the inferred shape.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+2 {{'rong.matmul' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'rong.matmul' op failed to infer returned types}}
  %0 = "rong.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Tests that rong.constant's result type must be the type of its value.
func.func @f() {
  // expected-error @+2 {{'rong.constant' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'rong.constant' op failed to infer returned types}}
  %0 = "rong.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return
}

// -----

// Tests that rong.argmax must produce an i64 tensor.
func.func @f(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'rong.argmax' op result #0 must be ranked tensor of 64-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = "rong.argmax"(%a) <{axis = 1 : i64}> : (tensor<2x3xf32>) -> tensor<2xi32>
  return
}

// -----

// Tests that binary ops reject shapes that do not broadcast.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{shapes 'tensor<2x3xf32>' and 'tensor<4xf32>' are not broadcast-compatible}}
  %0 = rong.add %a, %b : tensor<2x3xf32>, tensor<4xf32>
  return
}

// -----

// Tests that binary ops reject operands of different element types.
func.func @f(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = rong.mul %a, %b : tensor<4xf32>, tensor<4xf16>
  return
}

// -----

// Tests that comparisons reject operands of different element types.
func.func @f(%a: tensor<4xi64>, %b: tensor<4xi32>) {
  // expected-error @+1 {{operand element types differ: 'i64' vs 'i32'}}
  %0 = rong.eq %a, %b : tensor<4xi64>, tensor<4xi32>
  return
}

// -----

// Tests that comparisons reject shapes that do not broadcast.
func.func @f(%a: tensor<3xi32>, %b: tensor<2x4xi32>) {
  // expected-error @+1 {{shapes 'tensor<3xi32>' and 'tensor<2x4xi32>' are not broadcast-compatible}}
  %0 = rong.ge %a, %b : tensor<3xi32>, tensor<2x4xi32>
  return
}

// -----

// Tests that logic ops reject shapes that do not broadcast.
func.func @f(%a: tensor<3xi1>, %b: tensor<5xi1>) {
  // expected-error @+1 {{shapes 'tensor<3xi1>' and 'tensor<5xi1>' are not broadcast-compatible}}
  %0 = rong.or %a, %b : tensor<3xi1>, tensor<5xi1>
  return
}

// -----

// Tests that rong.clip rejects a lower bound above the upper bound.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.clip' op min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = rong.clip %x min = 6.0 max = 0.0 : tensor<4xf32>
  return
}

// -----

// Tests that rong.where rejects values of different element types.
func.func @f(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{value element types differ: 'f32' vs 'i32'}}
  %0 = rong.where %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xi32>
  return
}

// -----

// Tests that rong.where rejects values whose shapes do not broadcast.
func.func @f(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{shapes 'tensor<4xi1>', 'tensor<4xf32>' and 'tensor<3xf32>' are not broadcast-compatible}}
  %0 = rong.where %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.where rejects a condition that does not broadcast with the values.
func.func @f(%c: tensor<5xi1>, %a: tensor<2x4xf32>, %b: tensor<f32>) {
  // expected-error @+1 {{shapes 'tensor<5xi1>', 'tensor<2x4xf32>' and 'tensor<f32>' are not broadcast-compatible}}
  %0 = rong.where %c, %a, %b : tensor<5xi1>, tensor<2x4xf32>, tensor<f32>
  return
}

// -----

// Tests that reductions reject an axis past the rank.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axis 2 is out of range for rank 2}}
  %0 = rong.reduce_sum %x axes = [2] : tensor<2x3xf32>
  return
}

// -----

// Tests that reductions reject a negative axis below -rank.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axis -3 is out of range for rank 2}}
  %0 = rong.reduce_max %x axes = [-3] keepdims : tensor<2x3xf32>
  return
}

// -----

// Tests that reductions reject an axis listed twice, also when spelled negatively.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axis -1 is listed more than once}}
  %0 = rong.reduce_mean %x axes = [1, -1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.argmax rejects a rank-0 input.
func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{argmax needs an input of rank >= 1}}
  %0 = rong.argmax %x axis = 0 : tensor<f32>
  return
}

// -----

// Tests that rong.argmax rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reduction axis 2 is out of range for rank 2}}
  %0 = rong.argmax %x axis = 2 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.softmax rejects a rank-0 input.
func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %0 = rong.softmax %x axis = 0 : tensor<f32>
  return
}

// -----

// Tests that rong.softmax rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.softmax %x axis = 2 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.log_softmax rejects a negative axis out of range.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.log_softmax %x axis = -3 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.log_softmax rejects a rank-0 input.
func.func @f(%x: tensor<f16>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %0 = rong.log_softmax %x axis = -1 : tensor<f16>
  return
}

// -----

// Tests that rong.layer_norm rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.layer_norm %x, %s axis = 2 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.layer_norm rejects a rank-0 input.
func.func @f(%x: tensor<f32>, %s: tensor<f32>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %0 = rong.layer_norm %x, %s axis = 0 epsilon = 1.0e-5 : tensor<f32>, tensor<f32>
  return
}

// -----

// Tests that rong.layer_norm rejects a negative epsilon.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'rong.layer_norm' op epsilon -1.000000e+00 is negative}}
  %0 = rong.layer_norm %x, %s axis = -1 epsilon = -1.0 : tensor<2x3xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.layer_norm rejects a scale of another element type.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf16>) {
  // expected-error @+1 {{'rong.layer_norm' op scale element type 'f16' differs from the input's 'f32'}}
  %0 = rong.layer_norm %x, %s axis = -1 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xf16>
  return
}

// -----

// Tests that rong.layer_norm rejects a scale that is not the normalised shape.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'rong.layer_norm' op scale has shape [3], expected [2, 3]}}
  %0 = rong.layer_norm %x, %s axis = 0 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.layer_norm rejects a bias of another element type.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xbf16>) {
  // expected-error @+1 {{'rong.layer_norm' op bias element type 'bf16' differs from the input's 'f32'}}
  %0 = rong.layer_norm %x, %s, %b axis = 1 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xf32>, tensor<3xbf16>
  return
}

// -----

// Tests that rong.layer_norm rejects a bias that is not the normalised shape.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<?xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{'rong.layer_norm' op bias has shape [2, 3], expected [3]}}
  %0 = rong.layer_norm %x, %s, %b axis = 1 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<?xf32>, tensor<2x3xf32>
  return
}

// -----

// Tests that rong.rms_norm rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.rms_norm %x, %s axis = -3 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.rms_norm rejects a negative epsilon.
func.func @f(%x: tensor<2x3xbf16>, %s: tensor<3xbf16>) {
  // expected-error @+1 {{'rong.rms_norm' op epsilon -1.000000e-06 is negative}}
  %0 = rong.rms_norm %x, %s axis = -1 epsilon = -1.0e-6 : tensor<2x3xbf16>, tensor<3xbf16>
  return
}

// -----

// Tests that rong.rms_norm rejects a scale that is not the normalised shape.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'rong.rms_norm' op scale has shape [4], expected [3]}}
  %0 = rong.rms_norm %x, %s axis = -1 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.rms_norm rejects a scale of another element type.
func.func @f(%x: tensor<2x3xf32>, %s: tensor<3xbf16>) {
  // expected-error @+1 {{'rong.rms_norm' op scale element type 'bf16' differs from the input's 'f32'}}
  %0 = rong.rms_norm %x, %s axis = -1 epsilon = 1.0e-5 : tensor<2x3xf32>, tensor<3xbf16>
  return
}

// -----

// Tests that rong.batch_norm rejects an input of rank below 2.
func.func @f(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{batch_norm input must be N x C x ... (rank >= 2), got 'tensor<4xf32>'}}
  %0 = rong.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.batch_norm rejects a negative epsilon.
func.func @f(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{'rong.batch_norm' op epsilon -1.000000e+00 is negative}}
  %0 = rong.batch_norm %x, %p, %p, %p, %p epsilon = -1.0 : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.batch_norm rejects a scale of another element type.
func.func @f(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<4xf16>) {
  // expected-error @+1 {{'rong.batch_norm' op scale element type 'f16' differs from the input's 'f32'}}
  %0 = rong.batch_norm %x, %q, %p, %p, %p epsilon = 1.0e-5 : tensor<1x4x2x2xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.batch_norm rejects a bias that is not [C].
func.func @f(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) {
  // expected-error @+1 {{'rong.batch_norm' op bias has shape [3], expected [4]}}
  %0 = rong.batch_norm %x, %p, %q, %p, %p epsilon = 1.0e-5 : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.batch_norm rejects a mean of the wrong rank.
func.func @f(%x: tensor<?x4xf32>, %p: tensor<4xf32>, %q: tensor<1x4xf32>) {
  // expected-error @+1 {{'rong.batch_norm' op mean has shape [1, 4], expected [4]}}
  %0 = rong.batch_norm %x, %p, %p, %q, %p epsilon = 1.0e-5 : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>
  return
}

// -----

// Tests that rong.batch_norm rejects a variance of another element type, also with dynamic channels.
func.func @f(%x: tensor<2x?xbf16>, %p: tensor<?xbf16>, %q: tensor<8xf32>) {
  // expected-error @+1 {{'rong.batch_norm' op variance element type 'f32' differs from the input's 'bf16'}}
  %0 = rong.batch_norm %x, %p, %p, %p, %q epsilon = 1.0e-5 : tensor<2x?xbf16>, tensor<?xbf16>, tensor<?xbf16>, tensor<?xbf16>, tensor<8xf32>
  return
}

// -----

// Tests that rong.matmul rejects operands of different element types.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0 = rong.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf16>
  return
}

// -----

// Tests that rong.matmul rejects a rank-0 operand.
func.func @f(%a: tensor<f32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{matmul operands must have rank >= 1}}
  %0 = rong.matmul %a, %b : tensor<f32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.matmul rejects contracting dimensions that differ.
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{contracting dimensions differ: lhs 'tensor<2x3xf32>' has 3, rhs 'tensor<4x5xf32>' has 4}}
  %0 = rong.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32>
  return
}

// -----

// Tests that rong.matmul rejects vectors of different lengths.
func.func @f(%a: tensor<3xi64>, %b: tensor<4xi64>) {
  // expected-error @+1 {{contracting dimensions differ: lhs 'tensor<3xi64>' has 3, rhs 'tensor<4xi64>' has 4}}
  %0 = rong.matmul %a, %b : tensor<3xi64>, tensor<4xi64>
  return
}

// -----

// Tests that rong.matmul rejects batch dimensions that do not broadcast.
func.func @f(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>) {
  // expected-error @+1 {{batch dimensions of 'tensor<2x2x3xf32>' and 'tensor<3x3x4xf32>' are not broadcast-compatible}}
  %0 = rong.matmul %a, %b : tensor<2x2x3xf32>, tensor<3x3x4xf32>
  return
}

// -----

// Tests that rong.max_pool2d rejects an input that is not 4-D.
func.func @f(%x: tensor<1x4x4xf32>) {
  // expected-error @+1 {{pooling input must be N x C x H x W, got 'tensor<1x4x4xf32>'}}
  %0 = rong.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x4x4xf32>
  return
}

// -----

// Tests that rong.avg_pool2d rejects an input that is not 4-D.
func.func @f(%x: tensor<1x1x1x4x4xf32>) {
  // expected-error @+1 {{pooling input must be N x C x H x W, got 'tensor<1x1x1x4x4xf32>'}}
  %0 = rong.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a kernel without two entries.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{kernel must have 2 entries, got 1}}
  %0 = rong.max_pool2d %x kernel = [2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects strides without two entries.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{strides must have 2 entries, got 3}}
  %0 = rong.avg_pool2d %x kernel = [2, 2] strides = [2, 2, 2] pads = [0, 0, 0, 0] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects pads without four entries.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{pads must have 4 entries, got 2}}
  %0 = rong.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0] dilations = [1, 1] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects dilations without two entries.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{dilations must have 2 entries, got 0}}
  %0 = rong.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a zero kernel size.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{kernel entries must be >= 1, got 0}}
  %0 = rong.max_pool2d %x kernel = [0, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a zero stride.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{strides entries must be >= 1, got 0}}
  %0 = rong.avg_pool2d %x kernel = [2, 2] strides = [1, 0] pads = [0, 0, 0, 0] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a negative pad.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{pads entries must be >= 0, got -1}}
  %0 = rong.avg_pool2d %x kernel = [2, 2] strides = [1, 1] pads = [0, -1, 0, 0] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that pooling rejects a zero dilation.
func.func @f(%x: tensor<1x1x4x4xi32>) {
  // expected-error @+1 {{dilations entries must be >= 1, got 0}}
  %0 = rong.max_pool2d %x kernel = [2, 2] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 0] : tensor<1x1x4x4xi32>
  return
}

// -----

// Tests that pooling rejects a dilated window larger than the padded input.
func.func @f(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{window of extent 5 does not fit the padded input size 4 on spatial dimension 1}}
  %0 = rong.max_pool2d %x kernel = [2, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 2] : tensor<1x1x4x4xf32>
  return
}

// -----

// Tests that rong.conv_transpose2d rejects pads that cut the whole result.
func.func @f(%x: tensor<1x2x3x3xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{pads cut the whole result along dimension 2 (full size 5)}}
  %0 = rong.conv_transpose2d %x, %w strides = [1, 1] pads = [3, 0, 2, 0] dilations = [1, 1] groups = 1 : tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv_transpose2d rejects an input whose channels are not
// the weight's first dimension.
func.func @f(%x: tensor<1x3x3x3xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{input has 3 channels, the weight takes 2}}
  %0 = rong.conv_transpose2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x3x3xf32>, tensor<2x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects an input that is not 4-D.
func.func @f(%x: tensor<1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{conv2d input must be N x C x H x W, got 'tensor<1x4x4xf32>'}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x4x4xf32>, tensor<1x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a weight that is not 4-D.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<1x3x3xf32>) {
  // expected-error @+1 {{conv2d weight must be O x C/groups x kH x kW, got 'tensor<1x3x3xf32>'}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a weight of another element type.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf16>) {
  // expected-error @+1 {{weight element type 'f16' differs from the input's 'f32'}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf16>
  return
}

// -----

// Tests that rong.conv2d rejects groups below 1.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+1 {{groups must be >= 1, got 0}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 0 : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects input channels not divisible by groups.
func.func @f(%x: tensor<1x6x4x4xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{input channels 6 are not divisible by groups 4}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : tensor<1x6x4x4xf32>, tensor<4x2x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects output channels not divisible by groups.
func.func @f(%x: tensor<1x4x4x4xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+1 {{output channels 6 are not divisible by groups 4}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : tensor<1x4x4x4xf32>, tensor<6x2x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a weight whose per-group input channels are wrong.
func.func @f(%x: tensor<1x4x4x4xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{weight has 4 input channels per group, expected 2}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : tensor<1x4x4x4xf32>, tensor<8x4x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a bias that is not a vector.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<1x2xf32>) {
  // expected-error @+1 {{bias must be a vector of 2 elements of 'f32', got 'tensor<1x2xf32>'}}
  %0 = rong.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<1x2xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a bias of another element type.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xbf16>) {
  // expected-error @+1 {{bias must be a vector of 2 elements of 'f32', got 'tensor<2xbf16>'}}
  %0 = rong.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xbf16>
  return
}

// -----

// Tests that rong.conv2d rejects a bias whose length is not the output channels.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must be a vector of 2 elements of 'f32', got 'tensor<3xf32>'}}
  %0 = rong.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a dynamic kernel size.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x?x3xf32>) {
  // expected-error @+1 {{conv2d kernel size must be static, got 'tensor<2x1x?x3xf32>'}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x?x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects strides without two entries.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{strides must have 2 entries, got 1}}
  %0 = rong.conv2d %x, %w strides = [1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a zero dilation.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{dilations entries must be >= 1, got 0}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [0, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a zero kernel size.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x0x3xf32>) {
  // expected-error @+1 {{kernel entries must be >= 1, got 0}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x0x3xf32>
  return
}

// -----

// Tests that rong.conv2d rejects a kernel larger than the padded input.
func.func @f(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x5x3xf32>) {
  // expected-error @+1 {{window of extent 5 does not fit the padded input size 4 on spatial dimension 0}}
  %0 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x1x4x4xf32>, tensor<2x1x5x3xf32>
  return
}

// -----

// Tests that rong.reshape rejects shape entries below -1.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{shape entries must be >= 0 or -1 (dynamic), got -2}}
  %0 = rong.reshape %x shape = [-2, 2] : tensor<4xf32>
  return
}

// -----

// Tests that rong.reshape rejects a static shape with another element count.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 'tensor<2x3xf32>' (6 elements) to 'tensor<4x2xf32>'}}
  %0 = rong.reshape %x shape = [4, 2] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.reshape rejects a shape with -1 whose known part does not divide the element count.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 'tensor<2x3xf32>' (6 elements) to 'tensor<4x?xf32>'}}
  %0 = rong.reshape %x shape = [4, -1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.reshape rejects a zero-sized shape with -1 for a non-empty input.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 'tensor<2x3xf32>' (6 elements) to 'tensor<0x?xf32>'}}
  %0 = rong.reshape %x shape = [0, -1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.transpose rejects a permutation of the wrong length.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation has 3 entries for an input of rank 2}}
  %0 = rong.transpose %x permutation = [0, 1, 2] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.transpose rejects a repeated entry.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation [1, 1] is not a permutation of [0, 2)}}
  %0 = rong.transpose %x permutation = [1, 1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.transpose rejects a negative entry.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation [0, -1] is not a permutation of [0, 2)}}
  %0 = rong.transpose %x permutation = [0, -1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.broadcast_to rejects shape entries below -1.
func.func @f(%x: tensor<3xf32>) {
  // expected-error @+1 {{shape entries must be >= 0 or -1 (dynamic), got -3}}
  %0 = rong.broadcast_to %x shape = [-3, 3] : tensor<3xf32>
  return
}

// -----

// Tests that rong.broadcast_to rejects a target of lower rank.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot broadcast 'tensor<2x3xf32>' to the lower rank 1}}
  %0 = rong.broadcast_to %x shape = [3] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.broadcast_to rejects a dimension that cannot stretch.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot broadcast dimension 1 of 'tensor<2x3xf32>' (size 3) to size 4}}
  %0 = rong.broadcast_to %x shape = [4, 2, 4] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.concat rejects an empty input list (generic form; the custom syntax cannot express it).
func.func @f() {
  // expected-error @+2 {{concat needs at least one input}}
  // expected-error @+1 {{'rong.concat' op failed to infer returned types}}
  %0 = "rong.concat"() <{axis = 0 : i64}> : () -> tensor<2xf32>
  return
}

// -----

// Tests that rong.concat rejects rank-0 inputs.
func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{concat inputs must have rank >= 1}}
  %0 = rong.concat %x, %x axis = 0 : tensor<f32>, tensor<f32>
  return
}

// -----

// Tests that rong.concat rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.concat %x, %x axis = 2 : tensor<2x3xf32>, tensor<2x3xf32>
  return
}

// -----

// Tests that rong.concat rejects inputs of different element types.
func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x3xf16>) {
  // expected-error @+1 {{input 1 ('tensor<2x3xf16>') differs in rank or element type from input 0 ('tensor<2x3xf32>')}}
  %0 = rong.concat %x, %y axis = 0 : tensor<2x3xf32>, tensor<2x3xf16>
  return
}

// -----

// Tests that rong.concat rejects inputs of different ranks and names the offending input.
func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x3x1xf32>) {
  // expected-error @+1 {{input 2 ('tensor<2x3x1xf32>') differs in rank or element type from input 0 ('tensor<2x3xf32>')}}
  %0 = rong.concat %x, %x, %y axis = 0 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3x1xf32>
  return
}

// -----

// Tests that rong.concat rejects inputs whose other dimensions differ.
func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) {
  // expected-error @+1 {{input 1 has size 4 on dimension 1, expected 3}}
  %0 = rong.concat %x, %y axis = 0 : tensor<2x3xf32>, tensor<2x4xf32>
  return
}

// -----

// Tests that rong.slice rejects starts, ends or steps without one entry per dimension.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{starts, ends and steps need one entry per dimension (2), got 1, 2 and 3}}
  %0 = rong.slice %x starts = [0] ends = [1, 1] steps = [1, 1, 1] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.slice rejects a zero step.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{step of dimension 1 is zero}}
  %0 = rong.slice %x starts = [0, 0] ends = [1, 1] steps = [1, 0] : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.gather rejects a rank-0 input.
func.func @f(%x: tensor<f32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{gather input must have rank >= 1}}
  %0 = rong.gather %x, %i axis = 0 : tensor<f32>, tensor<2xi64>
  return
}

// -----

// Tests that rong.gather rejects an axis out of range.
func.func @f(%x: tensor<2x3xf32>, %i: tensor<2xi32>) {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = rong.gather %x, %i axis = -3 : tensor<2x3xf32>, tensor<2xi32>
  return
}

// -----

// Tests that rong.pad rejects pads without 2 * rank entries.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{pads needs 2 * rank = 4 entries, got 2}}
  %0 = rong.pad %x pads = [1, 1] mode = constant value = 0.0 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.pad rejects crops below zero.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{pads crop dimension 1 (size 3) below zero}}
  %0 = rong.pad %x pads = [0, -2, 0, -2] mode = constant value = 0.0 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.pad rejects reflect padding as large as the dimension.
func.func @f(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{reflect padding of dimension 0 must be smaller than its size 2}}
  %0 = rong.pad %x pads = [0, 1, 2, 1] mode = reflect value = 0.0 : tensor<2x3xf32>
  return
}

// -----

// Tests that rong.pad rejects edge padding of an empty dimension.
func.func @f(%x: tensor<2x0xf32>) {
  // expected-error @+1 {{edge padding of empty dimension 1}}
  %0 = rong.pad %x pads = [0, 1, 0, 0] mode = edge value = 0.0 : tensor<2x0xf32>
  return
}

// -----

// Tests that rong.fusion rejects a region with more arguments than inputs.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.fusion' op region takes 2 argument(s) but the op has 1 input(s)}}
  %0 = rong.fusion (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    rong.yield %a : tensor<4xf32>
  }
  return
}

// -----

// Tests that rong.fusion rejects a region argument whose type differs from its input.
func.func @f(%x: tensor<4xf32>, %y: tensor<2xi32>) {
  // expected-error @+1 {{'rong.fusion' op region argument 1 has type 'tensor<2xi64>' but input 1 has type 'tensor<2xi32>'}}
  %0 = rong.fusion (%x, %y) : (tensor<4xf32>, tensor<2xi32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<2xi64>):
    rong.yield %a : tensor<4xf32>
  }
  return
}

// -----

// Tests that rong.fusion rejects a yield whose types differ from the results, pointing at the yield.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.fusion' op yields ('tensor<4xf16>') but declares results ('tensor<4xf32>')}}
  %0 = rong.fusion kind = "loop" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %c = rong.cast %a to f16 : tensor<4xf32>
    // expected-note @+1 {{yield is here}}
    rong.yield %c : tensor<4xf16>
  }
  return
}

// -----

// Tests that rong.fusion rejects a yield with more values than results.
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'rong.fusion' op yields ('tensor<4xf32>', 'tensor<4xf32>') but declares results ('tensor<4xf32>')}}
  %0 = rong.fusion (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-note @+1 {{yield is here}}
    rong.yield %a, %a : tensor<4xf32>, tensor<4xf32>
  }
  return
}

// -----

// Tests that batch_norm's verifier checks the rank before reading the channel
// dimension (generic syntax reaches the verifier without inference).
func.func @batch_norm_rank0_generic(%x: tensor<f32>) {
  // expected-error @+1 {{'rong.batch_norm' op input must be N x C x ... (rank >= 2), got 'tensor<f32>'}}
  %0 = "rong.batch_norm"(%x, %x, %x, %x, %x) <{epsilon = 1.0 : f64}> : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<f32>
  return
}

// -----

// Tests that layer_norm's verifier rejects an out-of-range axis written in
// generic syntax instead of reading past the shape.
func.func @layer_norm_axis_generic(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{axis 5 is out of range for rank 2 (expected [-2, 2))}}
  %0 = "rong.layer_norm"(%x, %s) <{axis = 5 : i64, epsilon = 1.0 : f64, operandSegmentSizes = array<i32: 1, 1, 0>}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Tests that rms_norm's verifier rejects a negative out-of-range axis written
// in generic syntax.
func.func @rms_norm_axis_generic(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{axis -7 is out of range for rank 2 (expected [-2, 2))}}
  %0 = "rong.rms_norm"(%x, %s) <{axis = -7 : i64, epsilon = 1.0 : f64}> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Tests that shape mismatches print dynamic dimensions as `?`.
func.func @layer_norm_dynamic_message(%x: tensor<2x?xf32>, %s: tensor<?xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{'rong.layer_norm' op bias has shape [2, 3], expected [?]}}
  %0 = rong.layer_norm %x, %s, %b axis = 1 epsilon = 1.0e-5 : tensor<2x?xf32>, tensor<?xf32>, tensor<2x3xf32>
  return
}

// -----

// Tests that rong.gather_elements needs indices of the input's rank.
func.func @f(%x: tensor<4x5xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{gather_elements indices have rank 1 but the input has rank 2}}
  %0 = rong.gather_elements %x, %i axis = 1 : tensor<4x5xf32>, tensor<4xi64>
  return
}

// -----

// Tests that rong.gather_elements rejects indices larger than the input off
// the gathered axis.
func.func @f(%x: tensor<4x5xf32>, %i: tensor<6x2xi64>) {
  // expected-error @+1 {{gather_elements indices dimension 0 (6) exceeds the input's (4)}}
  %0 = rong.gather_elements %x, %i axis = 1 : tensor<4x5xf32>, tensor<6x2xi64>
  return
}

// -----

// Tests that rong.gather_elements checks its axis.
func.func @f(%x: tensor<4x5xf32>, %i: tensor<4x2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = rong.gather_elements %x, %i axis = 2 : tensor<4x5xf32>, tensor<4x2xi64>
  return
}

// -----

// Tests that a matmul's bias has one element per column of the product.
func.func @f(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias 'tensor<8xf32>' must have one element per column of the product (4)}}
  %0 = rong.matmul %x, %w, %b : tensor<8x16xf32>, tensor<16x4xf32>, tensor<8xf32>
  return
}

// -----

// Tests that a matmul's bias has the operands' element type.
func.func @f(%x: tensor<8x16xbf16>, %w: tensor<16x4xbf16>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias element type 'f32' differs from the operands' 'bf16'}}
  %0 = rong.matmul %x, %w, %b : tensor<8x16xbf16>, tensor<16x4xbf16>, tensor<4xf32>
  return
}

// -----

// Tests that a matmul with a bias takes matrices, not vectors.
func.func @f(%x: tensor<8x16xf32>, %v: tensor<16xf32>, %b: tensor<1xf32>) {
  // expected-error @+1 {{a matmul with a bias needs matrix operands (rank >= 2)}}
  %0 = rong.matmul %x, %v, %b : tensor<8x16xf32>, tensor<16xf32>, tensor<1xf32>
  return
}

// -----

// Tests that the shifts take integers only (not booleans or floats).
func.func @f(%x: tensor<4xi1>) {
  // expected-error @+1 {{'rong.shift_left' op operand #0 must be ranked tensor of 64-bit signless integer or 32-bit signless integer or 16-bit signless integer or 8-bit signless integer or 64-bit unsigned integer or 32-bit unsigned integer or 16-bit unsigned integer or 8-bit unsigned integer values, but got 'tensor<4xi1>'}}
  %0 = rong.shift_left %x, %x : tensor<4xi1>, tensor<4xi1>
  return
}
