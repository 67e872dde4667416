// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --verify-diagnostics

// Tests that a non-GPU target is refused with the list of known targets.

// expected-error@+1 {{rong-fusion-to-gpu: 'cpu' is not a GPU target (known: cpu, sm_80, sm_90}}
module {
}
