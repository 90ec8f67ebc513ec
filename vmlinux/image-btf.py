#!/usr/bin/env python3
"""image-btf.py IMAGE OUT: copy the kernel's own BTF out of a kernel image.

Debian's arm64 kernel packages ship a raw Image (vmlinuz), not the vmlinux
ELF whose .BTF section bpftool reads, but the .BTF section is in the Image
all the same, byte for byte: a BTF header (magic 0xeb9f, version 1, header
length 24) followed by the type and string sections it describes. This finds
the first such header whose sections are consistent and writes header and
sections to OUT, a raw BTF file for `bpftool btf dump file OUT` (and for
`make vmlinux ARCH=arm64 VMLINUX_BTF=OUT`). A gzip-compressed image is
unpacked first. Exits 1 when the image holds no BTF.
"""
import gzip
import struct
import sys

HEADER = b"\x9f\xeb\x01\x00\x18\x00\x00\x00"   # magic, version 1, flags 0, hdr_len 24
MAX = 64 << 20


def find_btf(image):
    at = image.find(HEADER)
    while at >= 0:
        type_off, type_len, str_off, str_len = struct.unpack_from("<IIII", image, at + 8)
        end = at + 24 + str_off + str_len
        # vmlinux BTF: types first, strings right after them, both sizeable.
        if (type_off == 0 and str_off == type_len and 0 < type_len < MAX
                and 0 < str_len < MAX and end <= len(image) and image[end - 1] == 0):
            return image[at:end]
        at = image.find(HEADER, at + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: image-btf.py IMAGE OUT")
    with open(sys.argv[1], "rb") as f:
        image = f.read()
    if image[:2] == b"\x1f\x8b":
        image = gzip.decompress(image)
    btf = find_btf(image)
    if btf is None:
        sys.exit("image-btf.py: no BTF in %s (a kernel built without CONFIG_DEBUG_INFO_BTF?)"
                 % sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(btf)


if __name__ == "__main__":
    main()
