"""Can the synthetic actions be learnt from the frames? A PyTorch check outside the product.

Crops each annotated actor (every 4th annotated frame, the box enlarged 1.2x, squared) to 64x64 over
8 frames (every 2nd frame of the 16 around it) from a `make-synthetic-actions` set and trains a
4-layer 3-D CNN to classify the action, printing the training loss and the accuracy on 200 crops of
the set's test videos every 50 steps. Used for eval/DEFAULT_MODEL.md.

    python tools/check_action_learnability.py SET_DIR [--optimiser sgd|adamw] [--norm batch|instance]

Needs a scratch venv with torch and torchvision (pip install torch torchvision); 1 thread.
"""
import argparse, pickle, random, time
import torch, torch.nn as nn, torch.nn.functional as F
from torchvision.io import read_image

parser = argparse.ArgumentParser()
parser.add_argument("root")
parser.add_argument("--optimiser", default="adamw", choices=["sgd", "adamw"])
parser.add_argument("--norm", default="batch", choices=["batch", "instance"])
parser.add_argument("--steps", type=int, default=600)
args = parser.parse_args()
torch.set_num_threads(1)
random.seed(0)
torch.manual_seed(0)
root = args.root.rstrip("/") + "/"
gt = pickle.load(open(root + "Synthetic-GT.pkl", "rb"), encoding="latin1")
T, S = 8, 64


def items(videos):
    out = []
    for v in videos:
        for label, tubes in gt["gttubes"][v].items():
            for tube in tubes:
                for row in tube[::4]:
                    out.append((v, label, int(row[0]), row[1:5]))
    return out


train, test = items(gt["train_videos"][0]), items(gt["test_videos"][0])
width, height = gt["resolution"][train[0][0]][1], gt["resolution"][train[0][0]][0]
cache = {}


def frame(v, f):
    f = max(1, min(gt["nframes"][v], f))
    if (v, f) not in cache:
        cache[(v, f)] = read_image(f"{root}Frames/{v}/{f:05d}.jpg").float() / 255
    return cache[(v, f)]


def crop(item):
    v, label, f, (x1, y1, x2, y2) = item
    cx, cy, s = (x1 + x2) / 2, (y1 + y2) / 2, max(x2 - x1, y2 - y1) * 1.2 / 2
    hw, hh = width / 2, height / 2
    theta = torch.tensor([[[s / hw, 0, cx / hw - 1], [0, s / hh, cy / hh - 1]]], dtype=torch.float32)
    grid = F.affine_grid(theta, (1, 3, S, S), align_corners=False)
    clip = [F.grid_sample(frame(v, f + d)[None], grid, align_corners=False)[0] for d in range(-T, T, 2)]
    return torch.stack(clip, 1), label


def norm(c):
    return nn.BatchNorm3d(c) if args.norm == "batch" else nn.InstanceNorm3d(c, affine=True)


net = nn.Sequential(
    nn.Conv3d(3, 32, (3, 7, 7), (1, 2, 2), (1, 3, 3)), norm(32), nn.ReLU(), nn.MaxPool3d((1, 3, 3), (1, 2, 2), (0, 1, 1)),
    nn.Conv3d(32, 64, 3, 1, 1), norm(64), nn.ReLU(), nn.MaxPool3d(2),
    nn.Conv3d(64, 128, 3, 1, 1), norm(128), nn.ReLU(), nn.MaxPool3d(2),
    nn.Conv3d(128, 128, 3, 1, 1), norm(128), nn.ReLU(), nn.AdaptiveAvgPool3d(1), nn.Flatten(),
    nn.Linear(128, len(gt["labels"])))
if args.optimiser == "sgd":
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
else:
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
start = time.time()
for step in range(1, args.steps + 1):
    batch = [crop(random.choice(train)) for _ in range(16)]
    x, y = torch.stack([b[0] for b in batch]), torch.tensor([b[1] for b in batch])
    loss = F.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        net.eval()
        with torch.no_grad():
            held = [crop(item) for item in random.sample(test, min(200, len(test)))]
            guess = net(torch.stack([b[0] for b in held])).argmax(1)
            accuracy = (guess == torch.tensor([b[1] for b in held])).float().mean().item()
        net.train()
        print(f"{step} loss {loss.item():.3f} test accuracy {accuracy:.3f} {time.time() - start:.0f}s", flush=True)
