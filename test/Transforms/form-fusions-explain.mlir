// RUN: rong-opt %s --rong-form-fusions="target=gfx906 explain=true" -o /dev/null 2>&1 | FileCheck %s
// RUN: not rong-opt %s --rong-form-fusions=target=tpu 2>&1 | FileCheck %s --check-prefix=BADTARGET

// The report names every group with its kind, ops and estimated saving, and
// every rejected fusion with its reason.
// CHECK: fusion report for @block on gfx906 (subgroup 64, 65536 bytes on chip per block): 3 group(s)
// CHECK-NEXT: group 0 [loop] 1 op(s), domain 64x64, saves ~0.0 B and 0 launch(es)
// CHECK-NEXT:   rong.mul 'scale_q'
// CHECK-NEXT: group 1 [epilogue] 3 op(s), domain 64x64, saves ~65.5 KB and 2 launch(es)
// CHECK-NEXT:   rong.matmul 'qk'
// CHECK-NEXT:   rong.add 'bias'
// CHECK-NEXT:   rong.relu 'act'
// A 32768-float row (128 KiB) does not fit in gfx906's 64 KiB of LDS: the
// stitch kernel reads it again for its output pass, and the report says so.
// CHECK-NEXT: group 2 [stitch] 2 op(s), domain 64x32768 reducing [1], saves ~512.0 B and 1 launch(es); its rows exceed the 65536 bytes on chip, so each pass after the first reads its inputs again (~8.4 MB)
// CHECK-NEXT:   rong.reduce_max 'row_max'
// CHECK-NEXT:   rong.sub 'shift'
// CHECK-NEXT: rejected: rong.mul 'scale_q' into group 1: it feeds the operands of rong.matmul 'qk'; Rong fuses epilogues, not prologues

// BADTARGET: error: unknown target 'tpu'; known targets: cpu, sm_80, sm_90, rocm:gfx906, rocm:gfx90a, rocm:gfx942, source:cuda:sm_90, source:cuda:sm_80, source:hip:gfx906, source:hip:gfx926, source:hip:gfx928, source:hip:gfx936, source:musa:mp_21, source:musa:mp_22, source:musa:mp_31, source:maca, source:corex:ivcore11, source:corex:ivcore20, opencl

func.func @block(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>,
                 %y: tensor<64x32768xf32>) -> (tensor<64x64xf32>, tensor<64x32768xf32>) {
  %c = rong.constant dense<0.125> : tensor<f32>
  %q = rong.mul %x, %c : tensor<64x64xf32>, tensor<f32> loc("scale_q")
  %m = rong.matmul %q, %w : tensor<64x64xf32>, tensor<64x64xf32> loc("qk")
  %a = rong.add %m, %b : tensor<64x64xf32>, tensor<64xf32> loc("bias")
  %r = rong.relu %a : tensor<64x64xf32> loc("act")
  %mx = rong.reduce_max %y axes = [1] keepdims : tensor<64x32768xf32> loc("row_max")
  %s = rong.sub %y, %mx : tensor<64x32768xf32>, tensor<64x1xf32> loc("shift")
  return %r, %s : tensor<64x64xf32>, tensor<64x32768xf32>
}
