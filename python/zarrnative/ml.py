"""Training batches from arrays, for PyTorch data loading.

``SelectionDataset`` is a map-style dataset over a list of selections of one
array (random crops, rows, patches of one shape). A ``torch.utils.data.DataLoader``
with ``batch_size`` fetches each batch through ``__getitems__``: one
``Array.read_batch`` call, every chunk of every selection decoded in
parallel in one request (on the GPU, in one nvCOMP batch, with
``device="cuda"``), returned as one tensor without a copy.

    >>> crops = [tuple(slice(o, o + 64) for o in corner) for corner in corners]
    >>> ds = zarrnative.ml.SelectionDataset(arr, crops)
    >>> loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True,
    ...                                      collate_fn=zarrnative.ml.keep_batch, num_workers=2)
    >>> for batch in loader:        # torch.Tensor of shape (32, 64, 64, 64)
    ...     ...

Workers (``num_workers > 0``) read on the CPU, each opening the array again
(arrays pickle by location); ``pin_memory=True`` then speeds the copy to the
GPU. ``device="cuda"`` decodes on the GPU and suits the main process
(``num_workers=0``): CUDA does not survive ``fork``.
"""
from __future__ import annotations

from typing import Any, Sequence

__all__ = ["Batch", "SelectionDataset", "keep_batch"]


class Batch(list):
    """What ``SelectionDataset.__getitems__`` returns: the items, as views of
    one batch tensor (``.tensor``). The default collate stacks the items (a
    copy); ``keep_batch`` hands on ``.tensor`` itself."""

    tensor: Any = None


def keep_batch(batch: Any) -> Any:
    """A ``collate_fn`` for loaders over a ``SelectionDataset``: the batch is
    read as one tensor already, which is passed on without a copy (anything
    else goes to torch's default collate)."""
    tensor = getattr(batch, "tensor", None)
    if tensor is not None:
        return tensor
    import torch.utils.data
    return torch.utils.data.default_collate(batch)


class SelectionDataset:
    """Item ``i`` is ``array[selections[i]]`` as a ``torch.Tensor``; a batch of
    indices is one ``read_batch`` of their selections: a ``Batch`` whose
    ``.tensor`` has shape ``(len(indices), *selection shape)``.

    ``selections``: tuples of ints and slices (anything ``Array.oindex``
    takes), all of one result shape. ``device``: ``None`` (host memory) or
    ``"cuda"`` / ``"cuda:N"`` / a ``torch.device`` (decoded on the GPU).
    ``transform``: applied to each tensor read (an item, or a whole batch)."""

    def __init__(self, array: Any, selections: Sequence[Any], *, device: Any = None, transform: Any = None):
        self.array = array
        self.selections = list(selections)
        self.device = device
        self.transform = transform

    def __len__(self) -> int:
        return len(self.selections)

    def __getitem__(self, index: int) -> Any:
        return self._read([self.selections[index]])[0]

    def __getitems__(self, indices: Sequence[int]) -> Batch:
        tensor = self._read([self.selections[i] for i in indices])
        batch = Batch(tensor.unbind(0))
        batch.tensor = tensor
        return batch

    def _read(self, selections: list) -> Any:
        import torch

        batch = self.array.read_batch(selections, device=self.device)
        tensor = torch.from_numpy(batch) if self.device is None else torch.from_dlpack(batch)
        return self.transform(tensor) if self.transform is not None else tensor
