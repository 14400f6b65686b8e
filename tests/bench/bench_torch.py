"""The benchmark workloads of bench.cpp, in PyTorch, on the same MNIST files.

    python3 tests/bench/bench_torch.py WORKLOAD [--repeats R] [--threads SETTING]

Steady state, by bench.cpp's rule: one untimed warm-up run in the process, then timed runs in
windows of R (default 3) until the times stop falling (a window's median no more than 2% below
the window before it, at most 5 windows: PyTorch's epoch time keeps falling over its first
epochs in a process); prints
    bench <name> <median seconds of the last window> <metric of the last run> warmup <seconds>
          runs <timed runs> settled <yes|no> threads <SETTING>
Same shapes, optimizer settings, batch size, float32, and the library's own initialisation.

SETTING is how PyTorch's threads are set: "omp<A>-blas<B>-intra<C>" sets OMP_NUM_THREADS and
MKL_NUM_THREADS to A and OPENBLAS_NUM_THREADS to B before torch is imported (the only way its
OpenMP pool and its BLAS take the numbers), then torch.set_num_threads(C); A, B, C each 1 or 2.
tests/bench/run_bench.py tries all eight and keeps PyTorch's best for every workload.
"""
import os
import statistics
import sys
import time

SETTINGS = {  # SETTING: (OMP_NUM_THREADS and MKL_NUM_THREADS, OPENBLAS_NUM_THREADS, torch.set_num_threads)
    f"omp{a}-blas{b}-intra{c}": (a, b, c) for a in (1, 2) for b in (1, 2) for c in (1, 2)
}


def parse_args(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(f"usage: bench_torch.py WORKLOAD [--repeats R] [--threads {'|'.join(SETTINGS)}]")
    name, repeats, setting = argv[0], 3, "omp1-blas1-intra1"
    i = 1
    while i < len(argv):
        if argv[i] == "--repeats" and i + 1 < len(argv) and argv[i + 1].isdigit() and int(argv[i + 1]) > 0:
            repeats = int(argv[i + 1])
        elif argv[i] == "--threads" and i + 1 < len(argv) and argv[i + 1] in SETTINGS:
            setting = argv[i + 1]
        else:
            sys.exit(f"bench_torch.py: unknown or incomplete argument '{argv[i]}'")
        i += 2
    return name, repeats, setting


NAME, REPEATS, SETTING = parse_args(sys.argv[1:])
OMP, BLAS, INTRA = SETTINGS[SETTING]
os.environ["OMP_NUM_THREADS"] = str(OMP)
os.environ["MKL_NUM_THREADS"] = str(OMP)
os.environ["OPENBLAS_NUM_THREADS"] = str(BLAS)

import numpy as np  # noqa: E402  (after the environment is set)
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(INTRA)
torch.set_num_interop_threads(1)


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


def conv_encoder():
    return [nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU()]


def conv_ae(images):
    torch.manual_seed(1)
    model = nn.Sequential(*conv_encoder(), nn.ConvTranspose2d(32, 16, 3, 2, 1, 1), nn.ReLU(),
                          nn.ConvTranspose2d(16, 1, 3, 2, 1, 1), nn.Sigmoid())
    init_like_ours(model)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    return epoch(images, 128, lambda x: reconstruction_step(model, opt, x.view(-1, 1, 28, 28)))


def upconv_ae(images):
    torch.manual_seed(1)
    model = nn.Sequential(*conv_encoder(), nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, 1, 1), nn.ReLU(),
                          nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, 1, 1), nn.Sigmoid())
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


def dcgan_step(images):
    """100 steps of bench.cpp's DCGAN: one D step and one G step a batch of 128."""
    torch.manual_seed(1)
    G = nn.Sequential(nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
                      nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
                      nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
    D = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128),
                      nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    for m in list(G.modules()) + list(D.modules()):  # Radford et al.'s, as models::init_dcgan does
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)
    opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.functional.binary_cross_entropy_with_logits
    ones, zeros = torch.ones(128, 1), torch.zeros(128, 1)

    def step(x):
        real = x.view(-1, 1, 28, 28) * 2 - 1
        opt_d.zero_grad()
        fake = G(torch.randn(128, 100)).detach()
        loss_d = bce(D(real), ones) + bce(D(fake), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        loss_g = bce(D(G(torch.randn(128, 100))), ones)
        loss_g.backward()
        opt_g.step()
        return loss_d.item()
    return epoch(images, 128, step)


def sgemm():
    """The MLP's forward products at batch 128, 200 rounds, through torch.mm."""
    shapes = [(128, 784, 256), (128, 256, 64), (128, 64, 256), (128, 256, 784)]
    pairs = [(torch.rand(m, k), torch.rand(k, n)) for m, k, n in shapes]
    flops = sum(2.0 * m * k * n for m, k, n in shapes) * 200
    start = time.perf_counter()
    for _ in range(200):
        for a, b in pairs:
            torch.mm(a, b)
    t = time.perf_counter() - start
    return t, flops / t / 1e9


WORKLOADS = {"mlp_ae_epoch": (mlp_ae_epoch, None), "tiny_838": (tiny_838, None), "conv_ae": (conv_ae, 10000),
             "upconv_ae": (upconv_ae, 10000), "vae_epoch": (vae_epoch, None), "dcgan_step": (dcgan_step, 12800),
             "sgemm": (lambda _: sgemm(), None)}


SETTLE_WINDOWS = 5  # as steady.hpp's kSettleWindows


def main():
    if NAME not in WORKLOADS:
        sys.exit(f"bench_torch.py: unknown workload '{NAME}'; the workloads: {' '.join(WORKLOADS)}")
    run, limit = WORKLOADS[NAME]
    images = load_images(limit) if NAME not in ("tiny_838", "sgemm") else None
    warmup, _ = run(images[:1280] if NAME == "dcgan_step" else images)  # dcgan_step warms up on 10 steps
    last, runs, settled = [], 0, False
    for _ in range(SETTLE_WINDOWS):
        before, last = last, [run(images) for _ in range(REPEATS)]
        runs += REPEATS
        if before and statistics.median(t for t, _ in last) >= 0.98 * statistics.median(t for t, _ in before):
            settled = True
            break
    name = "sgemm_torch" if NAME == "sgemm" else NAME
    print(f"bench {name} {statistics.median(t for t, _ in last):.4f} {last[-1][1]:.6g} warmup {warmup:.4f} "
          f"runs {runs} settled {'yes' if settled else 'no'} threads {SETTING}", flush=True)


if __name__ == "__main__":
    main()
