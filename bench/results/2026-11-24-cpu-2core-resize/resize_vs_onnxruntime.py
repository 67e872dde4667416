import sys, numpy as np, time
sys.path.insert(0,'/work/main/test/python')
import rong_tools as rt
from onnx import helper, TensorProto as T, numpy_helper as nh
cases={'nearest2x':dict(mode='nearest',nearest_mode='floor',coordinate_transformation_mode='asymmetric'),
       'bilinear2x':dict(mode='linear'),
       'bicubic2x':dict(mode='cubic')}
for name,attrs in cases.items():
    shape=[1,64,160,160]
    rt.save_onnx_model(f'{name}.onnx',[helper.make_node('Resize',['x','','s'],['y'],**attrs)],[('x',T.FLOAT,shape)],[('y',T.FLOAT,[1,64,320,320])],[nh.from_array(np.array([1,1,2,2],np.float32),'s')],opset=19)
    x=np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    plan=rt.compile_model(f'{name}.onnx',f'{name}.rong')
    got=rt.run_artifact(f'{name}.rong',[x],1)
    want=rt.onnxruntime_reference(f'{name}.onnx',[x])
    err=np.abs(got[0]-want[0]).max()
    import onnxruntime as ort
    s=ort.InferenceSession(f'{name}.onnx',providers=['CPUExecutionProvider'])
    for _ in range(3): s.run(None,{'x':x})
    t=time.perf_counter(); 
    for _ in range(20): s.run(None,{'x':x})
    ort_ms=(time.perf_counter()-t)/20*1e3
    r=rt.benchmark_artifact(f'{name}.rong',[x])
    print(name, plan.splitlines()[0], 'err',err,'ort ms',round(ort_ms,3),'rong',r)
