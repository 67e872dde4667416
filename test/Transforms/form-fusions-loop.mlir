// RUN: rong-opt %s --rong-form-fusions --split-input-file | FileCheck %s
// RUN: rong-opt %s --rong-form-fusions=explain=true --split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPLAIN

// An elementwise chain with a broadcast bias is one loop group; the bias is a
// group input, the scalar constant is cloned inside.
// CHECK-LABEL: func.func @chain
// CHECK: %[[F:.*]] = rong.fusion kind = "loop" (%arg0, %arg1) : (tensor<8x768xf32>, tensor<768xf32>) -> tensor<8x768xf32>
// CHECK: rong.add
// CHECK: rong.gelu
// CHECK: rong.constant dense<2.000000e+00>
// CHECK: rong.mul
// CHECK: rong.yield
// CHECK: return %[[F]]
// CHECK-NOT: rong.fusion
func.func @chain(%x: tensor<8x768xf32>, %b: tensor<768xf32>) -> tensor<8x768xf32> {
  %two = rong.constant dense<2.0> : tensor<f32>
  %0 = rong.add %x, %b : tensor<8x768xf32>, tensor<768xf32>
  %1 = rong.gelu %0 : tensor<8x768xf32>
  %2 = rong.mul %1, %two : tensor<8x768xf32>, tensor<f32>
  return %2 : tensor<8x768xf32>
}

// -----

// A cheap producer used by two groups that cannot merge (each feeds a
// different matmul) is recomputed in both instead of written out.
// CHECK-LABEL: func.func @recompute
// CHECK: rong.fusion kind = "epilogue"
// CHECK:   rong.exp
// CHECK:   rong.matmul
// CHECK: rong.fusion kind = "epilogue"
// CHECK:   rong.exp
// CHECK:   rong.matmul
func.func @recompute(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = rong.exp %x : tensor<4x4xf32>
  %m0 = rong.matmul %x, %w : tensor<4x4xf32>, tensor<4x4xf32>
  %a = rong.add %m0, %e : tensor<4x4xf32>, tensor<4x4xf32>
  %m1 = rong.matmul %w, %x : tensor<4x4xf32>, tensor<4x4xf32>
  %b = rong.mul %m1, %e : tensor<4x4xf32>, tensor<4x4xf32>
  return %a, %b : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A value that is both returned and consumed inside the group is one more
// output of the group (multi-output fusion), not a second kernel.
// CHECK-LABEL: func.func @multi_output
// CHECK: %[[F:.*]]:2 = rong.fusion kind = "loop"
// CHECK: return %[[F]]#0, %[[F]]#1
func.func @multi_output(%x: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %0 = rong.exp %x : tensor<16xf32>
  %1 = rong.neg %0 : tensor<16xf32>
  return %0, %1 : tensor<16xf32>, tensor<16xf32>
}

// -----

// A reshape read only by a loop group joins it (the kernel reads it by
// linear offset), and its producer follows: one kernel.
// CHECK-LABEL: func.func @view
// CHECK: rong.fusion kind = "loop"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: rong.exp
// CHECK-NEXT: rong.reshape
// CHECK-NEXT: rong.neg
// CHECK-NOT: rong.fusion
func.func @view(%x: tensor<4x8xf32>) -> tensor<32xf32> {
  %0 = rong.exp %x : tensor<4x8xf32>
  %1 = rong.reshape %0 shape = [32] : tensor<4x8xf32>
  %2 = rong.neg %1 : tensor<32xf32>
  return %2 : tensor<32xf32>
}

// -----

// A reshape whose result is also returned stays a view: it splits the chain.
// CHECK-LABEL: func.func @returned_view
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.exp
// CHECK: rong.reshape
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.neg
func.func @returned_view(%x: tensor<4x8xf32>) -> (tensor<32xf32>, tensor<32xf32>) {
  %0 = rong.exp %x : tensor<4x8xf32>
  %1 = rong.reshape %0 shape = [32] : tensor<4x8xf32>
  %2 = rong.neg %1 : tensor<32xf32>
  return %1, %2 : tensor<32xf32>, tensor<32xf32>
}

// -----

// Producers of another shape join a loop group through the index maps of
// their readers: rotate_half of a rotary embedding (two slices, a negation
// and a concat) and the products around it are one kernel.
// CHECK-LABEL: func.func @rotate_half
// CHECK: rong.fusion kind = "loop"
// CHECK-DAG: rong.slice
// CHECK-DAG: rong.neg
// CHECK-DAG: rong.concat
// CHECK: rong.yield
// CHECK-NOT: rong.fusion
func.func @rotate_half(%q: tensor<2x8x16xf32>, %cos: tensor<8x16xf32>, %sin: tensor<8x16xf32>) -> tensor<2x8x16xf32> {
  %lo = rong.slice %q starts = [0, 0, 0] ends = [2, 8, 8] steps = [1, 1, 1] : tensor<2x8x16xf32>
  %hi = rong.slice %q starts = [0, 0, 8] ends = [2, 8, 16] steps = [1, 1, 1] : tensor<2x8x16xf32>
  %neg = rong.neg %hi : tensor<2x8x8xf32>
  %rot = rong.concat %neg, %lo axis = 2 : tensor<2x8x8xf32>, tensor<2x8x8xf32>
  %a = rong.mul %q, %cos : tensor<2x8x16xf32>, tensor<8x16xf32>
  %b = rong.mul %rot, %sin : tensor<2x8x16xf32>, tensor<8x16xf32>
  %r = rong.add %a, %b : tensor<2x8x16xf32>, tensor<2x8x16xf32>
  return %r : tensor<2x8x16xf32>
}

// -----

// A group of transposes and reshapes only stays as it is, for a GEMM to read
// in place: the bias add before it stays in the matmul's epilogue.
// CHECK-LABEL: func.func @layout_group_kept
// CHECK: rong.fusion kind = "epilogue"
// CHECK: rong.matmul
// CHECK: rong.add
// CHECK: rong.fusion kind = "loop"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: rong.transpose
// CHECK-NEXT: rong.yield
func.func @layout_group_kept(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<32x8xf32> {
  %0 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x32xf32>
  %1 = rong.add %0, %b : tensor<8x32xf32>, tensor<32xf32>
  %2 = rong.transpose %1 permutation = [1, 0] : tensor<8x32xf32>
  return %2 : tensor<32x8xf32>
}

// -----

// Transposes and slices remap indices; they fuse into their consumers.
// CHECK-LABEL: func.func @data_movement
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.transpose
// CHECK: rong.relu
// CHECK: return
// CHECK-NOT: rong.fusion
func.func @data_movement(%x: tensor<8x4xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %t = rong.transpose %x permutation = [1, 0] : tensor<8x4xf32>
  %a = rong.add %t, %y : tensor<4x8xf32>, tensor<4x8xf32>
  %r = rong.relu %a : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A per-channel value (batch norm's 1/stddev, saved for the backward pass)
// that the full-size normalisation broadcasts and the function also returns
// does not join the loop kernel over 4x6x9x11: that kernel writes only
// full-size results. It stays a small group of its own (with its producers).
// CHECK-LABEL: func.func @broadcast_value_also_returned
// CHECK: %[[R:.*]] = rong.fusion kind = "loop" (%arg1) : (tensor<1x6x1x1xf32>) -> tensor<1x6x1x1xf32>
// CHECK:   rong.sqrt
// CHECK:   rong.reciprocal
// CHECK: %[[Y:.*]] = rong.fusion kind = "loop" (%arg0, %[[R]]) : (tensor<4x6x9x11xf32>, tensor<1x6x1x1xf32>) -> tensor<4x6x9x11xf32>
// CHECK:   rong.mul
// CHECK:   rong.relu
// CHECK: return %[[Y]], %[[R]]
// EXPLAIN: rejected: rong.reciprocal 'rstd' into group {{[0-9]+}}: its result (1x6x1x1) is also needed outside the group, but a loop kernel over 4x6x9x11 writes only values of that shape
func.func @broadcast_value_also_returned(%d: tensor<4x6x9x11xf32>, %v: tensor<1x6x1x1xf32>) -> (tensor<4x6x9x11xf32>, tensor<1x6x1x1xf32>) {
  %s = rong.sqrt %v : tensor<1x6x1x1xf32>
  %r = rong.reciprocal %s : tensor<1x6x1x1xf32> loc("rstd")
  %n = rong.mul %d, %r : tensor<4x6x9x11xf32>, tensor<1x6x1x1xf32>
  %y = rong.relu %n : tensor<4x6x9x11xf32>
  return %y, %r : tensor<4x6x9x11xf32>, tensor<1x6x1x1xf32>
}
