"""zarrnative.ml.SelectionDataset: batches of selections through a torch
DataLoader, one read_batch per batch, in the main process and in workers."""

from __future__ import annotations

import numpy as np
import pytest

import zarrnative
from zarrnative import errors
from zarrnative.ml import SelectionDataset, keep_batch

torch = pytest.importorskip("torch")


def _array(tmp_path):
    a = zarrnative.create_array(tmp_path / "a", shape=(40, 30, 20), chunks=(8, 8, 8), shards=(16, 16, 16),
                                dtype="<i4", compressors=zarrnative.codecs.ZstdCodec(level=1))
    data = np.arange(a.size, dtype="<i4").reshape(a.shape)
    a[...] = data
    return a, data


def _crops(n, seed=0):
    rng = np.random.default_rng(seed)
    return [(slice(int(i), int(i) + 9), int(j), slice(int(k), int(k) + 5))
            for i, j, k in zip(rng.integers(0, 31, n), rng.integers(0, 30, n), rng.integers(0, 15, n))]


def test_items_and_batches_are_the_selections(tmp_path):
    a, data = _array(tmp_path)
    crops = _crops(10)
    ds = SelectionDataset(a, crops)
    assert len(ds) == 10
    item = ds[3]
    assert isinstance(item, torch.Tensor) and tuple(item.shape) == (9, 5)
    np.testing.assert_array_equal(item.numpy(), data[crops[3]])
    batch = ds.__getitems__([7, 0, 7])
    assert tuple(batch.tensor.shape) == (3, 9, 5) and len(batch) == 3
    want = np.stack([data[crops[i]] for i in (7, 0, 7)])
    np.testing.assert_array_equal(batch.tensor.numpy(), want)
    # The items are views of the batch; keep_batch hands on the batch itself.
    assert all(item.data_ptr() == batch.tensor[i].data_ptr() for i, item in enumerate(batch))
    assert keep_batch(batch) is batch.tensor
    np.testing.assert_array_equal(torch.utils.data.default_collate(batch).numpy(), want)
    doubled = SelectionDataset(a, crops, transform=lambda t: t * 2)
    np.testing.assert_array_equal(doubled.__getitems__([1]).tensor.numpy(), data[crops[1]][None] * 2)


def test_a_loader_batch_is_one_read(tmp_path, monkeypatch):
    a, data = _array(tmp_path)
    crops = _crops(12)
    calls = []
    read_batch = type(a).read_batch

    def counting(self, selections, **kw):
        calls.append(len(selections))
        return read_batch(self, selections, **kw)

    monkeypatch.setattr(type(a), "read_batch", counting)
    loader = torch.utils.data.DataLoader(SelectionDataset(a, crops), batch_size=5, collate_fn=keep_batch)
    batches = list(loader)
    assert calls == [5, 5, 2]
    np.testing.assert_array_equal(torch.cat(batches).numpy(), np.stack([data[c] for c in crops]))


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_loader_workers(tmp_path, context):
    a, data = _array(tmp_path)
    crops = _crops(16, seed=1)
    loader = torch.utils.data.DataLoader(SelectionDataset(a, crops), batch_size=4, num_workers=2,
                                         multiprocessing_context=context)  # default collate: a copy, same values
    got = torch.cat(list(loader)).numpy()
    np.testing.assert_array_equal(got, np.stack([data[c] for c in crops]))


def test_selections_of_different_shapes_are_refused(tmp_path):
    a, _ = _array(tmp_path)
    ds = SelectionDataset(a, [(slice(0, 4),), (slice(0, 5),)])
    with pytest.raises(ValueError, match="shape"):
        ds.__getitems__([0, 1])


def test_device_batches(tmp_path):
    a, data = _array(tmp_path)
    crops = _crops(6, seed=2)
    ds = SelectionDataset(a, crops, device="cuda")
    if zarrnative._gpu.features_cuda_reason() is not None:
        with pytest.raises(errors.DeviceUnavailableError):
            ds.__getitems__([0, 1])
        return
    batch = ds.__getitems__([0, 1, 5]).tensor
    assert batch.is_cuda and tuple(batch.shape) == (3, 9, 5)
    np.testing.assert_array_equal(batch.cpu().numpy(), np.stack([data[crops[i]] for i in (0, 1, 5)]))
