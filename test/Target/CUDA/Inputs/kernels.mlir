// One group per strategy and element type, shared by the NVIDIA backend
// tests.

func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

func.func @layer_norm_bf16(%x: tensor<16x4096xbf16>, %g: tensor<4096xbf16>, %b: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %g, %b) : (tensor<16x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %c: tensor<4096xbf16>, %d: tensor<4096xbf16>):
    %n = rong.layer_norm %a, %c, %d axis = -1 epsilon = 1.0e-05 : tensor<16x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>
    rong.yield %n : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
}

func.func @rms_norm(%x: tensor<8x16384xf32>, %w: tensor<16384xf32>) -> tensor<8x16384xf32> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<8x16384xf32>, tensor<16384xf32>) -> tensor<8x16384xf32> {
  ^bb0(%a: tensor<8x16384xf32>, %b: tensor<16384xf32>):
    %n = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<8x16384xf32>, tensor<16384xf32>
    rong.yield %n : tensor<8x16384xf32>
  }
  return %r : tensor<8x16384xf32>
}

func.func @long_log_softmax(%x: tensor<2x1048576xf16>) -> tensor<2x1048576xf16> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x1048576xf16>) -> tensor<2x1048576xf16> {
  ^bb0(%a: tensor<2x1048576xf16>):
    %s = rong.log_softmax %a axis = -1 : tensor<2x1048576xf16>
    rong.yield %s : tensor<2x1048576xf16>
  }
  return %r : tensor<2x1048576xf16>
}

func.func @sum_squares(%x: tensor<4x8x100xf32>) -> tensor<4xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x8x100xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x8x100xf32>):
    %q = rong.mul %a, %a : tensor<4x8x100xf32>, tensor<4x8x100xf32>
    %s = rong.reduce_sum %q axes = [1, 2] : tensor<4x8x100xf32>
    rong.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

func.func @ew_chain(%x: tensor<16x4096xbf16>, %s: tensor<4096xbf16>, %b: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "loop" (%x, %s, %b) : (tensor<16x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a0: tensor<16x4096xbf16>, %a1: tensor<4096xbf16>, %a2: tensor<4096xbf16>):
    %t0 = rong.mul %a0, %a1 : tensor<16x4096xbf16>, tensor<4096xbf16>
    %t1 = rong.add %t0, %a2 : tensor<16x4096xbf16>, tensor<4096xbf16>
    %t2 = rong.gelu %t1 : tensor<16x4096xbf16>
    %t3 = rong.mul %t2, %a0 : tensor<16x4096xbf16>, tensor<16x4096xbf16>
    rong.yield %t3 : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
}

func.func @select_f16(%x: tensor<3x5xf16>, %y: tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  %r:2 = rong.fusion kind = "loop" (%x, %y) : (tensor<3x5xf16>, tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  ^bb0(%a: tensor<3x5xf16>, %b: tensor<3x5xf16>):
    %p = rong.gt %a, %b : tensor<3x5xf16>, tensor<3x5xf16>
    %t = rong.tanh %a : tensor<3x5xf16>
    %q = rong.pow %b, %a : tensor<3x5xf16>, tensor<3x5xf16>
    %w = rong.where %p, %t, %q : tensor<3x5xi1>, tensor<3x5xf16>, tensor<3x5xf16>
    rong.yield %w, %p : tensor<3x5xf16>, tensor<3x5xi1>
  }
  return %r#0, %r#1 : tensor<3x5xf16>, tensor<3x5xi1>
}

func.func @mid_layer_norm(%x: tensor<4x49152xf32>, %g: tensor<49152xf32>) -> tensor<4x49152xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<4x49152xf32>, tensor<49152xf32>) -> tensor<4x49152xf32> {
  ^bb0(%a: tensor<4x49152xf32>, %c: tensor<49152xf32>):
    %n = rong.layer_norm %a, %c axis = -1 epsilon = 1.0e-05 : tensor<4x49152xf32>, tensor<49152xf32>
    rong.yield %n : tensor<4x49152xf32>
  }
  return %r : tensor<4x49152xf32>
}

func.func @short_softmax_bf16(%x: tensor<37x64xbf16>) -> tensor<37x64xbf16> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<37x64xbf16>) -> tensor<37x64xbf16> {
  ^bb0(%a: tensor<37x64xbf16>):
    %s = rong.softmax %a axis = -1 : tensor<37x64xbf16>
    rong.yield %s : tensor<37x64xbf16>
  }
  return %r : tensor<37x64xbf16>
}

func.func @argmax_rows(%x: tensor<37x1000xf32>) -> tensor<37xi64> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<37x1000xf32>) -> tensor<37xi64> {
  ^bb0(%a: tensor<37x1000xf32>):
    %m = rong.argmax %a axis = 1 : tensor<37x1000xf32>
    rong.yield %m : tensor<37xi64>
  }
  return %r : tensor<37xi64>
}
