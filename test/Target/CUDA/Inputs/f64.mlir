// f64 groups for the NVIDIA backend and the source profiles: a row per warp,
// a long row looping with an online softmax, and a loop group that narrows
// f64 to f16 and bf16.

func.func @softmax_f64(%x: tensor<64x40xf64>) -> tensor<64x40xf64> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x40xf64>) -> tensor<64x40xf64> {
  ^bb0(%a: tensor<64x40xf64>):
    %s = rong.softmax %a axis = -1 : tensor<64x40xf64>
    rong.yield %s : tensor<64x40xf64>
  }
  return %r : tensor<64x40xf64>
}

func.func @long_softmax_f64(%x: tensor<2x65536xf64>) -> tensor<2x65536xf64> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x65536xf64>) -> tensor<2x65536xf64> {
  ^bb0(%a: tensor<2x65536xf64>):
    %s = rong.softmax %a axis = -1 : tensor<2x65536xf64>
    rong.yield %s : tensor<2x65536xf64>
  }
  return %r : tensor<2x65536xf64>
}

func.func @erf_narrow(%x: tensor<4x256xf64>) -> (tensor<4x256xf16>, tensor<4x256xbf16>) {
  %r:2 = rong.fusion kind = "loop" (%x) : (tensor<4x256xf64>) -> (tensor<4x256xf16>, tensor<4x256xbf16>) {
  ^bb0(%a: tensor<4x256xf64>):
    %e = rong.erf %a : tensor<4x256xf64>
    %h = rong.cast %e to f16 : tensor<4x256xf64>
    %b = rong.cast %e to bf16 : tensor<4x256xf64>
    rong.yield %h, %b : tensor<4x256xf16>, tensor<4x256xbf16>
  }
  return %r#0, %r#1 : tensor<4x256xf16>, tensor<4x256xbf16>
}
