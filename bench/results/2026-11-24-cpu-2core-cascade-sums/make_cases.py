import sys, numpy as np, subprocess, torch
sys.path.insert(0,'/work/main/test/python')
import rong_tools as rt
from onnx import helper, TensorProto as T
F=T.FLOAT
cases={
 'mean_all': ([helper.make_node('ReduceMean',['x'],['y'],keepdims=0)], (16384,4096), []),
 'col_sum': ([helper.make_node('ReduceSum',['x','ax'],['y'],keepdims=0)], (16384,768), [rt.axes_tensor('ax',[0])]),
 'row_sum': ([helper.make_node('ReduceSum',['x','ax'],['y'],keepdims=0)], (64,262144), [rt.axes_tensor('ax',[1])]),
 'softmax': ([helper.make_node('Softmax',['x'],['y'],axis=-1)], (4096,16384), []),
 'lnorm': ([helper.make_node('LayerNormalization',['x','g','b'],['y'],axis=-1)], (4096,16384), []),
}
g=torch.Generator().manual_seed(0)
for name,(nodes,shape,inits) in cases.items():
    inputs=[('x',F,list(shape))]
    extra=[]
    if name=='lnorm':
        inits=inits+[helper.make_tensor('g',F,[shape[-1]],np.ones(shape[-1],np.float32)),helper.make_tensor('b',F,[shape[-1]],np.zeros(shape[-1],np.float32))]
    x=torch.randn(*shape,generator=g).numpy()
    np.save(f'{name}.npy',x)
    # output shape via numpy
    oshape={'mean_all':[],'col_sum':[shape[1]],'row_sum':[shape[0]]}.get(name,list(shape))
    rt.save_onnx_model(f'{name}.onnx',nodes,inputs,[('y',F,oshape)],inits)
    for v in ['old','k16','k32','k64']:
        subprocess.run([f'/tmp/rongc-{v}',f'{name}.onnx','-o',f'{name}-{v}.rong','--target=cpu'],check=True)
