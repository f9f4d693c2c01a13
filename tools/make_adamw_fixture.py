"""Expected values of AdamWTests: torch.optim.AdamW on two small parameters over five steps.

Run in a scratch venv with torch (pip install torch):  python tools/make_adamw_fixture.py
and paste the printed arrays into Tests/TrainingTests/AdamWTests.swift. Gradients and learning
rates follow the formulas below, which the Swift test repeats.
"""
import torch

def gradient(step, index, count):
    # the same formula in the test: sin(1 + 0.7·step + 0.3·index) · (1 + index mod 3)
    return [torch.sin(torch.tensor(1 + 0.7 * step + 0.3 * i, dtype=torch.float64)).item() * (1 + i % 3)
            for i in range(index, index + count)]

a = torch.nn.Parameter(torch.tensor([0.5, -1.25, 2.0, 0.0], dtype=torch.float32))
b = torch.nn.Parameter(torch.tensor([[0.1, 0.2, -0.3], [1.5, -2.5, 0.75]], dtype=torch.float32))
opt = torch.optim.AdamW([a, b], lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
for step in range(1, 6):
    for group in opt.param_groups:
        group["lr"] = 1e-3 * step  # warm-up-like change of rate every step
    a.grad = torch.tensor(gradient(step, 0, 4), dtype=torch.float32)
    b.grad = torch.tensor(gradient(step, 4, 6), dtype=torch.float32).reshape(2, 3)
    opt.step()
fmt = lambda t: ", ".join(f"{v:.9g}" for v in t.detach().flatten().tolist())
print("a:", fmt(a))
print("b:", fmt(b))
print("a exp_avg_sq:", fmt(opt.state[a]["exp_avg_sq"]))
