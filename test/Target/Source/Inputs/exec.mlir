// Fusion groups executed on PoCL by run_opencl.py, with the shapes of
// test/Conversion/FusionToGPU (softmax, LayerNorm, RMSNorm, a reduction,
// elementwise chains, long rows).

func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

func.func @residual_layer_norm(%x: tensor<8x2048xf32>, %h: tensor<8x2048xf32>, %g: tensor<2048xf32>, %b: tensor<2048xf32>) -> (tensor<8x2048xf32>, tensor<8x2048xf32>) {
  %r:2 = rong.fusion kind = "stitch" (%x, %h, %g, %b) : (tensor<8x2048xf32>, tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>) -> (tensor<8x2048xf32>, tensor<8x2048xf32>) {
  ^bb0(%a0: tensor<8x2048xf32>, %a1: tensor<8x2048xf32>, %a2: tensor<2048xf32>, %a3: tensor<2048xf32>):
    %s = rong.add %a0, %a1 : tensor<8x2048xf32>, tensor<8x2048xf32>
    %n = rong.layer_norm %s, %a2, %a3 axis = -1 epsilon = 1.0e-05 : tensor<8x2048xf32>, tensor<2048xf32>, tensor<2048xf32>
    rong.yield %s, %n : tensor<8x2048xf32>, tensor<8x2048xf32>
  }
  return %r#0, %r#1 : tensor<8x2048xf32>, tensor<8x2048xf32>
}
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

func.func @rms_norm(%x: tensor<16x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<16x4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096xbf16>):
    %y = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<16x4096xbf16>, tensor<4096xbf16>
    rong.yield %y : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
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

func.func @add(%x: tensor<64x256xf32>, %y: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>, %b: tensor<64x256xf32>):
    %s = rong.add %a, %b : tensor<64x256xf32>, tensor<64x256xf32>
    rong.yield %s : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}
func.func @bias_gelu(%x: tensor<16x4096xbf16>, %b: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "loop" (%x, %b) : (tensor<16x4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a0: tensor<16x4096xbf16>, %a1: tensor<4096xbf16>):
    %t = rong.add %a0, %a1 : tensor<16x4096xbf16>, tensor<4096xbf16>
    %g = rong.gelu %t : tensor<16x4096xbf16>
    rong.yield %g : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
}
func.func @sub_row(%x: tensor<64x256xf32>, %c: tensor<64x1xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x, %c) : (tensor<64x256xf32>, tensor<64x1xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>, %b: tensor<64x1xf32>):
    %s = rong.sub %a, %b : tensor<64x256xf32>, tensor<64x1xf32>
    rong.yield %s : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}
func.func @odd(%x: tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  %r:2 = rong.fusion kind = "loop" (%x) : (tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  ^bb0(%a: tensor<3x5xf16>):
    %z = rong.constant dense<0.0> : tensor<f16>
    %p = rong.gt %a, %z : tensor<3x5xf16>, tensor<f16>
    %c = rong.clip %a min = -1.0 max = 1.0 : tensor<3x5xf16>
    %w = rong.where %p, %c, %z : tensor<3x5xi1>, tensor<3x5xf16>, tensor<f16>
    rong.yield %w, %p : tensor<3x5xf16>, tensor<3x5xi1>
  }
  return %r#0, %r#1 : tensor<3x5xf16>, tensor<3x5xi1>
}

func.func @long_softmax(%x: tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  ^bb0(%a: tensor<2x1048576xf32>):
    %s = rong.softmax %a axis = -1 : tensor<2x1048576xf32>
    rong.yield %s : tensor<2x1048576xf32>
  }
  return %r : tensor<2x1048576xf32>
}
func.func @long_layer_norm(%x: tensor<2x1048576xf32>, %g: tensor<1048576xf32>) -> tensor<2x1048576xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<2x1048576xf32>, tensor<1048576xf32>) -> tensor<2x1048576xf32> {
  ^bb0(%a: tensor<2x1048576xf32>, %b: tensor<1048576xf32>):
    %s = rong.layer_norm %a, %b axis = -1 epsilon = 1.0e-05 : tensor<2x1048576xf32>, tensor<1048576xf32>
    rong.yield %s : tensor<2x1048576xf32>
  }
  return %r : tensor<2x1048576xf32>
}

