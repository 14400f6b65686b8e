"""The benchmark workloads of bench.cpp, in PyTorch, on the same MNIST files.

    python3 tests/bench/bench_torch.py WORKLOAD [--repeats R]

Prints "bench <name> <seconds> <metric>" like bench.cpp: the median time of R runs, the metric
of the last. Same shapes, optimizer settings, batch size and float32. Threads as PyTorch runs
fastest on two cores (measured): intra-op threads 1 for the MLP workloads, where OpenBLAS's own
two threads do the products, and 2 for the convolutional one, where oneDNN does.
"""
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def init_like_ours(model, he=()):
    """The library's initialisation: Xavier uniform for Linear (He normal for the layers named in
    `he`), He normal with PyTorch's fans for the convolutions, zero biases. PyTorch's own default
    differs, and a different start would make the metrics differ for no reason."""
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) or name in he:
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
        elif isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.zeros_(m.bias)
    return model


def load_images(limit=None):
    """MNIST's training images as float32 rows in [0, 1], read from the IDX file ./lab fetched."""
    path = os.path.join(os.environ.get("MNIST_DIR", "data/mnist"), "train-images-idx3-ubyte")
    with open(path, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    images = data.reshape(-1, 784).astype(np.float32) / 255.0
    return torch.from_numpy(images[:limit] if limit else images)


def epoch(images, batch, step):
    """One shuffled epoch; returns (seconds, example-weighted mean of step's results)."""
    order = torch.randperm(images.shape[0])
    start = time.perf_counter()
    total = 0.0
    for i in range(0, images.shape[0], batch):
        x = images[order[i:i + batch]]
        total += step(x) * x.shape[0]
    return time.perf_counter() - start, total / images.shape[0]


def reconstruction_step(model, opt, x):
    """One optimizer step on the mean squared reconstruction error; returns the loss."""
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), x)
    loss.backward()
    opt.step()
    return loss.item()


def mlp_ae_epoch(images):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(),
                          nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
    init_like_ours(model)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    return epoch(images, 128, lambda x: reconstruction_step(model, opt, x))


def tiny_838(_):
    torch.manual_seed(1)
    model = init_like_ours(nn.Sequential(nn.Linear(8, 3), nn.Sigmoid(), nn.Linear(3, 8), nn.Sigmoid()))
    opt = torch.optim.SGD(model.parameters(), lr=2.0, momentum=0.9)
    x = torch.eye(8)
    start = time.perf_counter()
    for _ in range(5000):
        loss = reconstruction_step(model, opt, x)
    return time.perf_counter() - start, loss


def conv_ae(images):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
                          nn.ConvTranspose2d(32, 16, 3, 2, 1, 1), nn.ReLU(),
                          nn.ConvTranspose2d(16, 1, 3, 2, 1, 1), nn.Sigmoid())
    init_like_ours(model)
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    return epoch(images, 128, lambda x: reconstruction_step(model, opt, x.view(-1, 1, 28, 28)))


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_in, self.to_mu, self.to_logvar = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.hidden_out, self.to_logits = nn.Linear(20, 400), nn.Linear(400, 784)

    def loss(self, x):
        h = torch.relu(self.hidden_in(x))
        mu, logvar = self.to_mu(h), self.to_logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.to_logits(torch.relu(self.hidden_out(z)))
        bce = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kl


def vae_epoch(images):
    torch.manual_seed(1)
    model = init_like_ours(VAE(), he=("hidden_in", "hidden_out"))
    opt = torch.optim.Adam(model.parameters(), 1e-3)

    def step(x):
        opt.zero_grad()
        loss = model.loss(x)
        loss.backward()
        opt.step()
        return loss.item() / x.shape[0]
    return epoch(images, 128, step)


def sgemm(repeats):
    shapes = [(128, 784, 256), (128, 256, 64), (128, 64, 256), (128, 256, 784)]
    pairs = [(torch.rand(m, k), torch.rand(k, n)) for m, k, n in shapes]
    flops = sum(2.0 * m * k * n for m, k, n in shapes) * 200
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(200):
            for a, b in pairs:
                torch.mm(a, b)
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(f"bench sgemm_torch {t:.4f} {flops / t / 1e9:.6g}")


WORKLOADS = {"mlp_ae_epoch": mlp_ae_epoch, "tiny_838": tiny_838, "conv_ae": conv_ae, "vae_epoch": vae_epoch}


def main():
    args = sys.argv[1:]
    if not args or args[0] not in list(WORKLOADS) + ["sgemm"]:
        sys.exit(f"usage: bench_torch.py WORKLOAD [--repeats R]; workloads: {' '.join(WORKLOADS)} sgemm")
    name, repeats = args[0], 3
    if len(args) == 3 and args[1] == "--repeats":
        repeats = int(args[2])
    torch.set_num_threads(2 if name == "conv_ae" else 1)
    if name == "sgemm":
        return sgemm(repeats)
    images = load_images(10000 if name == "conv_ae" else None)
    runs = [WORKLOADS[name](images) for _ in range(repeats)]
    print(f"bench {name} {statistics.median(t for t, _ in runs):.4f} {runs[-1][1]:.6g}")


if __name__ == "__main__":
    main()
