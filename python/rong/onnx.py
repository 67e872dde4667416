"""An ONNX backend (`onnx.backend.base.Backend`) that runs models with Rong,
so ONNX's own node-test runner (`onnx.backend.test.BackendTest`) and any code
written against the backend API can use it.

    import rong.onnx
    rep = rong.onnx.Backend.prepare(model, device="CPU")
    outputs = rep.run([x])
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import onnx
from onnx.backend.base import Backend as _BackendBase
from onnx.backend.base import BackendRep as _BackendRepBase
from onnx.backend.base import namedtupledict

from .compiler import CompiledModel, compiler_module


class BackendRep(_BackendRepBase):
    """A prepared model: the compiled artifact and its session."""

    def __init__(self, compiled: CompiledModel, output_names: Sequence[str]):
        super().__init__()
        self.compiled = compiled
        self.output_names = list(output_names)

    def run(self, inputs: Any, **kwargs: Any):
        if isinstance(inputs, dict):
            by_name = inputs
            inputs = [by_name[spec.name] for spec in self.compiled.inputs]
        elif not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        arrays = [np.asarray(x, order="C") for x in inputs]
        outputs = self.compiled.session.run(arrays)
        return namedtupledict("Outputs", self.output_names)(*outputs)


class Backend(_BackendBase):
    """Rong as an ONNX backend; only the CPU device is supported here."""

    @classmethod
    def supports_device(cls, device: str) -> bool:
        return device.upper().startswith("CPU")

    @classmethod
    def prepare(cls, model: onnx.ModelProto, device: str = "CPU",
                **kwargs: Any) -> BackendRep:
        if not cls.supports_device(device):
            raise ValueError(f"rong.onnx.Backend: device {device!r} is not "
                             "supported (only CPU)")
        super().prepare(model, device, **kwargs)
        result = compiler_module().compile_onnx_bytes(
            model.SerializeToString(),
            source_name=model.graph.name or "onnx model",
            fuse=kwargs.get("fuse", True))
        compiled = CompiledModel(result.artifact, steps=result.steps)
        names = [out.name for out in model.graph.output]
        return BackendRep(compiled, names)

    @classmethod
    def run_model(cls, model: onnx.ModelProto, inputs: Any,
                  device: str = "CPU", **kwargs: Any):
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(cls, node: onnx.NodeProto, inputs: Any, device: str = "CPU",
                 outputs_info=None, **kwargs: Any):
        """Builds a one-node model around `node` from the inputs' types and
        runs it (ONNX's runner uses models, this is for API users)."""
        super().run_node(node, inputs, device=device, outputs_info=outputs_info)
        if outputs_info is None:
            raise ValueError("rong.onnx.Backend.run_node needs outputs_info "
                             "(element type and shape of each output)")
        graph_inputs = [
            onnx.helper.make_tensor_value_info(
                name, onnx.helper.np_dtype_to_tensor_dtype(np.asarray(x).dtype),
                np.asarray(x).shape)
            for name, x in zip(node.input, inputs)]
        graph_outputs = [
            onnx.helper.make_tensor_value_info(
                name, onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)),
                shape)
            for name, (dtype, shape) in zip(node.output, outputs_info)]
        graph = onnx.helper.make_graph([node], "node", graph_inputs,
                                       graph_outputs)
        model = onnx.helper.make_model(graph)
        return cls.run_model(model, inputs, device, **kwargs)


prepare = Backend.prepare
run_model = Backend.run_model
run_node = Backend.run_node
supports_device = Backend.supports_device
