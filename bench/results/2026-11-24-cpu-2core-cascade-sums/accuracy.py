import sys, numpy as np, torch
sys.path.insert(0,'/work/main/test/python')
import rong_tools as rt
def ref(name,x):
    d=torch.from_numpy(x).double()
    f=torch.from_numpy(x)
    fn={'mean_all':lambda t:t.mean(),'col_sum':lambda t:t.sum(0),'row_sum':lambda t:t.sum(1),
        'softmax':lambda t:torch.softmax(t,-1),'lnorm':lambda t:torch.nn.functional.layer_norm(t,(t.shape[-1],),eps=1e-5)}[name]
    return fn(d).numpy(), fn(f).double().numpy()
for name in ['mean_all','col_sum','row_sum','softmax','lnorm']:
    x=np.load(f'{name}.npy')
    r,t=ref(name,x)
    te=np.abs(t-r).max()
    line=f'{name:9s} torch {te:.3g}'
    for v in ['old','k16','k32','k64','final']:
        y=rt.run_artifact(f'{name}-{v}.rong',[x],1)[0].astype(np.float64)
        line+=f' | {v} {np.abs(y-r).max():.3g}'
    print(line, flush=True)
