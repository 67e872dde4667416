// A transformer MLP block (pre-norm, GELU, residual) in the rong dialect, as an
// exporter writes it: the attention scale and layout shuffles are spelled out
// as constant arithmetic and reshape/transpose pairs that Rong folds away.
func.func @mlp_block(%x: tensor<8x128x768xf32>, %gamma: tensor<768xf32>,
                     %beta: tensor<768xf32>, %w1: tensor<768x3072xf32>,
                     %b1: tensor<3072xf32>, %w2: tensor<3072x768xf32>,
                     %b2: tensor<768xf32>) -> tensor<8x128x768xf32> {
  %h = rong.layer_norm %x, %gamma, %beta axis = -1 epsilon = 1.0e-5
      : tensor<8x128x768xf32>, tensor<768xf32>, tensor<768xf32>

  // Flatten to rows and back, the way exporters emit Linear on 3-D inputs.
  %rows = rong.reshape %h shape = [1024, 768] : tensor<8x128x768xf32>
  %up = rong.matmul %rows, %w1 : tensor<1024x768xf32>, tensor<768x3072xf32>
  %up3 = rong.reshape %up shape = [8, 128, 3072] : tensor<1024x3072xf32>
  %up2 = rong.reshape %up3 shape = [1024, 3072] : tensor<8x128x3072xf32>
  %biased = rong.add %up2, %b1 : tensor<1024x3072xf32>, tensor<3072xf32>
  %act = rong.gelu %biased : tensor<1024x3072xf32>

  // A scale computed from constants: 1 / sqrt(1.0) is folded to 1 and the
  // multiply disappears.
  %one = rong.constant dense<1.0> : tensor<f32>
  %root = rong.sqrt %one : tensor<f32>
  %scale = rong.reciprocal %root : tensor<f32>
  %scaled = rong.mul %act, %scale : tensor<1024x3072xf32>, tensor<f32>

  %down = rong.matmul %scaled, %w2 : tensor<1024x3072xf32>, tensor<3072x768xf32>
  %db = rong.add %down, %b2 : tensor<1024x768xf32>, tensor<768xf32>

  // A transpose pair from a layout conversion cancels.
  %t = rong.transpose %db permutation = [1, 0] : tensor<1024x768xf32>
  %tt = rong.transpose %t permutation = [1, 0] : tensor<768x1024xf32>
  %back = rong.reshape %tt shape = [8, 128, 768] : tensor<1024x768xf32>

  // Dropout in inference is x * 1 + 0.
  %zero = rong.constant dense<0.0> : tensor<768xf32>
  %keep = rong.add %back, %zero : tensor<8x128x768xf32>, tensor<768xf32>
  %out = rong.add %x, %keep : tensor<8x128x768xf32>, tensor<8x128x768xf32>
  return %out : tensor<8x128x768xf32>
}
