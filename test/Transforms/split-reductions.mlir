// RUN: rong-opt %s --rong-split-reductions=target=cpu --split-input-file | FileCheck %s --check-prefix=CPU
// RUN: rong-opt %s --rong-split-reductions=target=sm_90 --split-input-file | FileCheck %s --check-prefix=SM90
// RUN: rong-opt %s --rong-fusion-pipeline=target=sm_90 --split-input-file | FileCheck %s --check-prefix=FUSED
// RUN: not rong-opt %s --rong-split-reductions=target=sm_99 --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// Tests that the mean of a whole tensor (one row: one CPU thread, one GPU
// block) is cut into pieces along its first axis: 8 on the CPU (4 per
// core), 512 on sm_90 (4 per SM, up to 528, a divisor of 4096), then the
// piece means are averaged.
// CPU-LABEL: func.func @full_mean
// CPU: %[[V:.+]] = rong.reshape %arg0 shape = [8, 512, 4096] : tensor<4096x4096xf32>
// CPU: %[[P:.+]] = rong.reduce_mean %[[V]] axes = [1, 2] : tensor<8x512x4096xf32>
// CPU: %[[T:.+]] = rong.reduce_mean %[[P]] axes = [0] : tensor<8xf32>
// CPU: %[[R:.+]] = rong.reshape %[[T]] shape = [] : tensor<f32>
// CPU: return %[[R]]
// SM90-LABEL: func.func @full_mean
// SM90: rong.reshape %arg0 shape = [512, 8, 4096] : tensor<4096x4096xf32>
// SM90: rong.reduce_mean %{{.+}} axes = [1, 2] : tensor<512x8x4096xf32>
// SM90: rong.reduce_mean %{{.+}} axes = [0] : tensor<512xf32>
// BAD: error: unknown target 'sm_99'; known targets: cpu, sm_80, sm_90
func.func @full_mean(%x: tensor<4096x4096xf32>) -> tensor<f32> {
  %m = rong.reduce_mean %x axes = [] : tensor<4096x4096xf32>
  return %m : tensor<f32>
}

// -----

// Tests that single-use elementwise producers are rebuilt over the split
// shape (once each, though `d` is used twice by its user), that a
// broadcast operand is viewed with its size-1 axis split into (1, 1), and
// that an operand without the split axis is read as it is. After fusion the
// producers are in the first reduction's kernel: two kernels.
// SM90-LABEL: func.func @mse
// SM90-SAME: (%[[X:.+]]: tensor<4096x4096xf32>, %[[T:.+]]: tensor<1x4096xf32>, %[[W:.+]]: tensor<4096xf32>)
// SM90: %[[XV:.+]] = rong.reshape %[[X]] shape = [512, 8, 4096]
// SM90: %[[TV:.+]] = rong.reshape %[[T]] shape = [1, 1, 4096]
// SM90: %[[D:.+]] = rong.sub %[[XV]], %[[TV]] : tensor<512x8x4096xf32>, tensor<1x1x4096xf32>
// SM90: %[[S:.+]] = rong.mul %[[D]], %[[D]] : tensor<512x8x4096xf32>, tensor<512x8x4096xf32>
// SM90: %[[WS:.+]] = rong.mul %[[S]], %[[W]] : tensor<512x8x4096xf32>, tensor<4096xf32>
// SM90: rong.reduce_mean %[[WS]] axes = [1, 2]
// SM90-NOT: rong.sub
// SM90: return
// FUSED-LABEL: func.func @mse
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.sub
// FUSED: rong.mul
// FUSED: rong.mul
// FUSED: rong.reduce_mean {{.+}} axes = [1, 2] : tensor<512x8x4096xf32>
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.reduce_mean {{.+}} axes = [0] : tensor<512xf32>
// FUSED-NOT: rong.fusion
// FUSED: return
func.func @mse(%x: tensor<4096x4096xf32>, %t: tensor<1x4096xf32>,
               %w: tensor<4096xf32>) -> tensor<f32> {
  %d = rong.sub %x, %t : tensor<4096x4096xf32>, tensor<1x4096xf32>
  %s = rong.mul %d, %d : tensor<4096x4096xf32>, tensor<4096x4096xf32>
  %ws = rong.mul %s, %w : tensor<4096x4096xf32>, tensor<4096xf32>
  %m = rong.reduce_mean %ws axes = [0, 1] : tensor<4096x4096xf32>
  return %m : tensor<f32>
}

// -----

// Tests a bias gradient, 16384 x 768 floats summed over the rows. On sm_90
// its 96 column blocks (32-byte segments) are too few: 4 pieces of 4096
// rows, reduced as columns with keepdims. The CPU's 12 column threads
// (256-byte segments) already give each core 4 or more: unchanged.
// CPU-LABEL: func.func @bias
// CPU-NEXT: rong.reduce_sum %arg0 axes = [0] keepdims : tensor<16384x768xf32>
// CPU-NEXT: return
// SM90-LABEL: func.func @bias
// SM90: %[[V:.+]] = rong.reshape %arg0 shape = [4, 4096, 768]
// SM90: %[[P:.+]] = rong.reduce_sum %[[V]] axes = [1] keepdims : tensor<4x4096x768xf32>
// SM90: %[[T:.+]] = rong.reduce_sum %[[P]] axes = [0] keepdims : tensor<4x1x768xf32>
// SM90: rong.reshape %[[T]] shape = [1, 768] : tensor<1x1x768xf32>
func.func @bias(%x: tensor<16384x768xf32>) -> tensor<1x768xf32> {
  %m = rong.reduce_sum %x axes = [0] keepdims : tensor<16384x768xf32>
  return %m : tensor<1x768xf32>
}

// -----

// Tests that a whole leading reduced axis can supply the pieces: on sm_90
// the 512 positions of axis 0 are the pieces, no view is needed. The CPU
// cuts 8 pieces out of axis 0.
// CPU-LABEL: func.func @lead
// CPU: rong.reshape %arg0 shape = [8, 64, 7, 4096]
// CPU: rong.reduce_sum %{{.+}} axes = [1, 2, 3] : tensor<8x64x7x4096xf32>
// SM90-LABEL: func.func @lead
// SM90-NOT: rong.reshape %arg0
// SM90: %[[P:.+]] = rong.reduce_sum %arg0 axes = [1, 2] : tensor<512x7x4096xf32>
// SM90: rong.reduce_sum %[[P]] axes = [0] : tensor<512xf32>
func.func @lead(%x: tensor<512x7x4096xf32>) -> tensor<f32> {
  %m = rong.reduce_sum %x axes = [0, 1, 2] : tensor<512x7x4096xf32>
  return %m : tensor<f32>
}

// -----

// Tests that a producer with another user is not rebuilt: the reduction
// reads a view of its result.
// CPU-LABEL: func.func @shared
// CPU: %[[S:.+]] = rong.mul %arg0, %arg0 : tensor<4096x4096xf32>
// CPU: %[[V:.+]] = rong.reshape %[[S]] shape = [8, 512, 4096]
// CPU: rong.reduce_max %[[V]] axes = [1, 2]
// CPU: return %{{.+}}, %[[S]]
func.func @shared(%x: tensor<4096x4096xf32>)
    -> (tensor<f32>, tensor<4096x4096xf32>) {
  %s = rong.mul %x, %x : tensor<4096x4096xf32>, tensor<4096x4096xf32>
  %m = rong.reduce_max %s axes = [] : tensor<4096x4096xf32>
  return %m, %s : tensor<f32>, tensor<4096x4096xf32>
}

// -----

// Tests that integer sums are split (wrapping sums compose exactly).
// CPU-LABEL: func.func @int_sum
// CPU: rong.reduce_sum %{{.+}} axes = [1, 2] : tensor<8x512x4096xi32>
// CPU: rong.reduce_sum %{{.+}} axes = [0] : tensor<8xi32>
func.func @int_sum(%x: tensor<4096x4096xi32>) -> tensor<i32> {
  %m = rong.reduce_sum %x axes = [] : tensor<4096x4096xi32>
  return %m : tensor<i32>
}

// -----

// Tests what is left alone: enough rows already (1024 rows on sm_90 give
// each SM more than 4), a tensor too small for 4 pieces of 32 KiB, and a
// column reduction whose 16-byte rows make 2049 rows too little to share.
// CPU-LABEL: func.func @left_alone
// CPU-NOT: rong.reshape
// CPU: return
// SM90-LABEL: func.func @left_alone
// SM90-NOT: rong.reshape
// SM90: return
func.func @left_alone(%a: tensor<1024x4096xf32>, %b: tensor<64x256xf32>,
                      %c: tensor<2x2049x8xf16>)
    -> (tensor<1024xf32>, tensor<f32>, tensor<2x1x8xf16>) {
  %ra = rong.reduce_sum %a axes = [1] : tensor<1024x4096xf32>
  %rb = rong.reduce_sum %b axes = [] : tensor<64x256xf32>
  %rc = rong.reduce_max %c axes = [1] keepdims : tensor<2x2049x8xf16>
  return %ra, %rb, %rc : tensor<1024xf32>, tensor<f32>, tensor<2x1x8xf16>
}

// -----

// Tests that a bfloat16 sum keeps its 512 partial sums in f32 and rounds
// once, while a max (exact in any precision) is split without casts.
// SM90-LABEL: func.func @half
// SM90: %[[V:.+]] = rong.reshape %arg0 shape = [512, 8, 4096] : tensor<4096x4096xbf16>
// SM90: %[[W:.+]] = rong.cast %[[V]] to f32 : tensor<512x8x4096xbf16>
// SM90: %[[P:.+]] = rong.reduce_sum %[[W]] axes = [1, 2] : tensor<512x8x4096xf32>
// SM90: %[[T:.+]] = rong.reduce_sum %[[P]] axes = [0] : tensor<512xf32>
// SM90: %[[N:.+]] = rong.cast %[[T]] to bf16 : tensor<f32>
// SM90: rong.reshape %[[N]] shape = [] : tensor<bf16>
// SM90-NOT: rong.cast
// SM90: rong.reduce_max %{{.+}} axes = [1, 2] : tensor<512x8x4096xbf16>
// SM90: rong.reduce_max %{{.+}} axes = [0] : tensor<512xbf16>
// SM90: return
func.func @half(%x: tensor<4096x4096xbf16>) -> (tensor<bf16>, tensor<bf16>) {
  %s = rong.reduce_sum %x axes = [] : tensor<4096x4096xbf16>
  %m = rong.reduce_max %x axes = [] : tensor<4096x4096xbf16>
  return %s, %m : tensor<bf16>, tensor<bf16>
}
