// RUN: rong-opt %s --rong-fusion-to-gpu=target=h100 --verify-diagnostics

// Tests that an unknown target is refused with the list of known targets.

// expected-error@+1 {{rong-fusion-to-gpu: 'h100' is not a known target (known: cpu, sm_80, sm_90}}
module {
}
