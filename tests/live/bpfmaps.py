# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The loaded BPF maps, through bpf(2) itself: the test VMs' guests do not
all have bpftool (the arm64 one has a root of its own)."""
import ctypes
import errno
import os
import platform
import struct

_NR_BPF = {"x86_64": 321, "aarch64": 280}[platform.machine()]
_libc = ctypes.CDLL(None, use_errno=True)
_MAP_LOOKUP_ELEM, _MAP_GET_NEXT_ID, _MAP_GET_FD_BY_ID, _OBJ_GET_INFO_BY_FD = 1, 12, 14, 15


def _bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    rc = _libc.syscall(_NR_BPF, cmd, buf, len(buf))
    return rc, buf.raw


class Map:
    def __init__(self, fd, info):
        self.fd = fd
        (self.type, self.id, self.key_size, self.value_size, self.max_entries,
         _flags) = struct.unpack_from("6I", info)
        self.name = info[24:40].split(b"\0")[0].decode()

    def has(self, key):
        """Is key (bytes) in the map?"""
        k = ctypes.create_string_buffer(key, self.key_size)
        v = ctypes.create_string_buffer(self.value_size)
        attr = struct.pack("IIQQQ", self.fd, 0, ctypes.addressof(k), ctypes.addressof(v), 0)
        rc, _ = _bpf(_MAP_LOOKUP_ELEM, attr)
        if rc == 0:
            return True
        if ctypes.get_errno() == errno.ENOENT:
            return False
        raise OSError(ctypes.get_errno(), "bpf(BPF_MAP_LOOKUP_ELEM)")

    def close(self):
        os.close(self.fd)


def maps_named(name):
    """Every loaded map called name (the kernel keeps 15 characters)."""
    found, start = [], 0
    while True:
        # start_id (map_id for BPF_MAP_GET_FD_BY_ID), next_id, open_flags
        rc, out = _bpf(_MAP_GET_NEXT_ID, struct.pack("III", start, 0, 0))
        if rc < 0:
            if ctypes.get_errno() == errno.ENOENT:
                return found
            raise OSError(ctypes.get_errno(), "bpf(BPF_MAP_GET_NEXT_ID)")
        start = struct.unpack_from("I", out, 4)[0]	# next_id
        fd, _ = _bpf(_MAP_GET_FD_BY_ID, struct.pack("III", start, 0, 0))
        if fd < 0:
            continue	# gone since
        info = ctypes.create_string_buffer(88)
        rc, _ = _bpf(_OBJ_GET_INFO_BY_FD, struct.pack("IIQ", fd, len(info),
                                                       ctypes.addressof(info)))
        m = Map(fd, info.raw) if rc == 0 else None
        if m and m.name == name[:15]:
            found.append(m)
        else:
            os.close(fd)
