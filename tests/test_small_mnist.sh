#!/bin/bash
# A lecture given a copy of MNIST smaller than its run reads (MNIST_DIR naming a folder of 5 or
# 1,000 images) stops as soon as it has loaded it, with exit status 2 and a line saying how many
# images it needs and how many the folder holds (lecture::load_mnist, lectures/lecture.hpp), not
# with a crash or an index out of range inside a batch.
#   usage: test_small_mnist.sh PROGRAM...   (the lectures that read MNIST)
set -u
status=0
fail() {
    echo "FAIL: $*"
    status=1
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# mnist DIR N: MNIST's four IDX files in DIR, N training and N test images of noise, labelled
# 0, 1, ..., 9, 0, ... (the 5-image set holds the digits 0-4).
mnist() {
    mkdir -p "$1"
    python3 - "$1" "$2" << 'EOF'
import random, struct, sys
folder, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(0)
for split in ("train", "t10k"):
    with open(f"{folder}/{split}-images-idx3-ubyte", "wb") as f:
        f.write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 28, 28))
        f.write(rng.randbytes(n * 28 * 28))
    with open(f"{folder}/{split}-labels-idx1-ubyte", "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 8, 1, n))
        f.write(bytes(i % 10 for i in range(n)))
EOF
}

for n in 5 1000; do
    mnist "$tmp/mnist$n" "$n" || exit 1
    holds=$(sed -E 's/([0-9])([0-9]{3})$/\1,\2/' <<< "$n")  # 1000 -> 1,000
    for program in "$@"; do
        name=$(basename "$program")
        log=$(MNIST_DIR="$tmp/mnist$n" "$program" --quick --retrain --out "$tmp/out/$name" 2>&1)
        code=$?
        line=$(grep -F "$name needs at least" <<< "$log")
        if [ "$code" -ne 2 ] || [ -z "$line" ] || ! grep -qF "(MNIST_DIR=$tmp/mnist$n holds $holds)" <<< "$line"; then
            fail "$name on $n images: exit $code (expected 2 with '$name needs at least ... (MNIST_DIR=... holds $holds)'):"
            tail -n 5 <<< "$log"
        else
            echo "ok: $name on $n images: $line"
        fi
    done
done
exit $status
