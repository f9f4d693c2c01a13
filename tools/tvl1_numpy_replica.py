#!/usr/bin/env python3
"""A NumPy replica of OpenCV's DualTVL1 (tvl1flow.cpp, CPU path, gamma 0), used to show where
Swift's TV-L1 and OpenCV's differ and why (README, "Optical flow").

    /work/.venv-flow/bin/python tools/tvl1_numpy_replica.py PAIRS_DIR NAME

PAIRS_DIR is a folder made by `tools/bench_flow_opencv.py --make-pairs DIR` followed by
`--pairs DIR --write-flow` (320x240 NAME.gray0.u8, NAME.gray1.u8, NAME.flow.f32). Prints the
iterations run per level and warping, and the end-point difference to OpenCV's flow.

It calls OpenCV's own resize, medianBlur and remap and does the rest in float32 in OpenCV's
operation order (first-column divergence (p1 + p2) - p2_above, hypot in double, the error as a
serial float32 sum); with that it reproduces OpenCV 5.1.0 bit for bit (difference 0.0000 on
horseriding_f060). REMAP=double replaces cv2.remap by a bicubic remap in double precision (same
kernel, a = -0.75, zeros outside): the flow then differs from OpenCV's by 0.117 px mean on
horseriding_f060, the size of Swift's difference there. Environment knobs MED, EPS, SCALES, WARPS,
INNER, OUTER change the parameters (for comparison with cv2.optflow.DualTVL1OpticalFlow_create(...)).
"""
import cv2, numpy as np, sys, time, os
MED = int(os.environ.get("MED", "5"))
f32 = np.float32
def centered_grad(I):
    dx = np.zeros_like(I); dy = np.zeros_like(I)
    dx[:, 1:-1] = f32(0.5) * (I[:, 2:] - I[:, :-2]); dx[:, 0] = f32(0.5)*(I[:, 1]-I[:, 0]); dx[:, -1] = f32(0.5)*(I[:, -1]-I[:, -2])
    dy[1:-1] = f32(0.5) * (I[2:] - I[:-2]); dy[0] = f32(0.5)*(I[1]-I[0]); dy[-1] = f32(0.5)*(I[-1]-I[-2])
    return dx, dy
def fwd_grad(u):
    ux = np.zeros_like(u); uy = np.zeros_like(u)
    ux[:, :-1] = u[:, 1:] - u[:, :-1]; uy[:-1] = u[1:] - u[:-1]
    return ux, uy
def div(v1, v2):
    d = np.empty_like(v1)
    d[:, 1:] = v1[:, 1:] - v1[:, :-1]; d[:, 0] = v1[:, 0]
    e = np.empty_like(v2)
    e[1:] = v2[1:] - v2[:-1]; e[0] = v2[0]
    r = d + e
    r[1:, 0] = (v1[1:, 0] + v2[1:, 0]) - v2[:-1, 0]
    return r
def myremap(src, mx, my):
    f64 = np.float64; H, W = src.shape
    sx = np.floor(mx).astype(int); sy = np.floor(my).astype(int)
    def wd(t):
        a = -0.75; t1 = t+1; s = 1-t; s1 = 2-t
        return [((a*t1 - 5*a)*t1 + 8*a)*t1 - 4*a, ((a+2)*t - (a+3))*t*t + 1, ((a+2)*s - (a+3))*s*s + 1, ((a*s1 - 5*a)*s1 + 8*a)*s1 - 4*a]
    wx = wd((mx - sx.astype(f32)).astype(f64)); wy = wd((my - sy.astype(f32)).astype(f64))
    out = np.zeros(mx.shape, f64)
    for j in range(4):
        yy = sy - 1 + j; iny = (yy >= 0) & (yy < H)
        for i in range(4):
            xx = sx - 1 + i; ok = iny & (xx >= 0) & (xx < W)
            v = np.where(ok, src[np.clip(yy, 0, H-1), np.clip(xx, 0, W-1)], 0).astype(f64)
            out += v * wx[i] * wy[j]
    return out.astype(f32)
REMAP = os.environ.get("REMAP", "cv")  # cv or double
def one_scale(I0, I1, u1, u2, trace, P):
    tau, lam, theta, eps = 0.25, 0.15, 0.3, float(os.environ.get("EPS", "0.01"))
    warps, inner, outer = int(os.environ.get("WARPS", "5")), int(os.environ.get("INNER", "30")), int(os.environ.get("OUTER", "10"))
    h, w = I0.shape
    stop = f32(eps*eps*h*w)
    I1x, I1y = centered_grad(I1)
    p11 = np.zeros_like(I0); p12 = np.zeros_like(I0); p21 = np.zeros_like(I0); p22 = np.zeros_like(I0)
    lt = f32(lam*theta); taut = f32(tau/theta); th = f32(theta)
    yy, xx = np.mgrid[0:h, 0:w].astype(f32)
    for wi in range(warps):
        m1 = xx + u1; m2 = yy + u2
        rm = (lambda s_: cv2.remap(s_, m1, m2, cv2.INTER_CUBIC)) if REMAP == 'cv' else (lambda s_: myremap(s_, m1, m2))
        I1w = rm(I1); I1wx = rm(I1x); I1wy = rm(I1y)
        grad = I1wx*I1wx + I1wy*I1wy
        rho_c = I1w - I1wx*u1 - I1wy*u2 - I0
        err = f32(np.finfo(f32).max); n_out = 0; its = 0
        while err > stop and n_out < outer:
            if MED > 1: u1 = cv2.medianBlur(u1, MED); u2 = cv2.medianBlur(u2, MED)
            n_in = 0
            while err > stop and n_in < inner:
                rho = rho_c + (I1wx*u1 + I1wy*u2)
                with np.errstate(divide='ignore', invalid='ignore'):
                    fi = np.where(grad > np.finfo(f32).eps, -rho/grad, f32(0))
                fac = np.where(rho < -lt*grad, lt, np.where(rho > lt*grad, -lt, fi)).astype(f32)
                v1 = u1 + fac*I1wx; v2 = u2 + fac*I1wy
                n1 = v1 + th*div(p11, p12); n2 = v2 + th*div(p21, p22)
                e = (n1-u1)*(n1-u1) + (n2-u2)*(n2-u2)
                err = np.cumsum(e.ravel(), dtype=f32)[-1] if P == 'serial' else f32(e.astype(np.float64).sum())
                u1, u2 = n1, n2
                a, b = fwd_grad(u1); c, d = fwd_grad(u2)
                g1 = np.hypot(a.astype(np.float64), b.astype(np.float64)).astype(f32); g2 = np.hypot(c.astype(np.float64), d.astype(np.float64)).astype(f32)
                ng1 = f32(1) + taut*g1; ng2 = f32(1) + taut*g2
                p11 = (p11 + taut*a)/ng1; p12 = (p12 + taut*b)/ng1; p21 = (p21 + taut*c)/ng2; p22 = (p22 + taut*d)/ng2
                n_in += 1; its += 1
            n_out += 1
        trace.append((w, wi, its, float(err)))
    return u1, u2
def tvl1(g0, g1, P='serial'):
    I0s = [g0.astype(f32)]; I1s = [g1.astype(f32)]
    for s in range(1, int(os.environ.get("SCALES", "5"))):
        a = cv2.resize(I0s[-1], None, fx=0.8, fy=0.8, interpolation=cv2.INTER_LINEAR)
        if a.shape[0] < 16 or a.shape[1] < 16: break
        I0s.append(a); I1s.append(cv2.resize(I1s[-1], None, fx=0.8, fy=0.8, interpolation=cv2.INTER_LINEAR))
    u1 = np.zeros_like(I0s[-1]); u2 = np.zeros_like(I0s[-1])
    trace = []
    for s in range(len(I0s)-1, -1, -1):
        u1, u2 = one_scale(I0s[s], I1s[s], u1, u2, trace, P)
        if s == 0: break
        h, w = I0s[s-1].shape
        u1 = cv2.resize(u1, (w, h), interpolation=cv2.INTER_LINEAR) * f32(1/0.8)
        u2 = cv2.resize(u2, (w, h), interpolation=cv2.INTER_LINEAR) * f32(1/0.8)
    return np.dstack([u1, u2]), trace
if __name__ == "__main__":
    d = sys.argv[1]; name = sys.argv[2]; w, h = 320, 240
    g0 = np.fromfile(f"{d}/{name}.gray0.u8", np.uint8).reshape(h, w); g1 = np.fromfile(f"{d}/{name}.gray1.u8", np.uint8).reshape(h, w)
    ref = np.fromfile(f"{d}/{name}.flow.f32", f32).reshape(h, w, 2)
    t = time.time(); flow, trace = tvl1(g0, g1, sys.argv[3] if len(sys.argv) > 3 else 'serial'); print("numpy time", time.time()-t)
    for tr in trace: print(tr)
    epe = np.hypot(*(flow - ref).transpose(2, 0, 1))
    print("numpy vs opencv: mean %.4f p99 %.4f max %.3f" % (epe.mean(), np.percentile(epe, 99), epe.max()))
