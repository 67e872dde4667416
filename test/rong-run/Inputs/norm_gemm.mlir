// LayerNorm over rows of 256 (a reduction across the work-items of a
// subgroup), a matmul with a bias + GELU epilogue, and the input returned as
// a second output (a copy step).
func.func @norm_gemm(%x: tensor<16x256xf32>, %gamma: tensor<256xf32>,
                     %beta: tensor<256xf32>, %w: tensor<256x32xf32>,
                     %b: tensor<32xf32>)
    -> (tensor<16x32xf32>, tensor<16x256xf32>) {
  %h = rong.layer_norm %x, %gamma, %beta axis = -1 epsilon = 1.0e-5
      : tensor<16x256xf32>, tensor<256xf32>, tensor<256xf32>
  %m = rong.matmul %h, %w : tensor<16x256xf32>, tensor<256x32xf32>
  %biased = rong.add %m, %b : tensor<16x32xf32>, tensor<32xf32>
  %y = rong.gelu %biased : tensor<16x32xf32>
  return %y, %x : tensor<16x32xf32>, tensor<16x256xf32>
}
