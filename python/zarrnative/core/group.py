"""``zarr.core.group``'s public classes."""

from zarrnative._async import AsyncGroup
from zarrnative._group import Group
from zarrnative._hierarchy import GroupMetadata

__all__ = ["AsyncGroup", "Group", "GroupMetadata"]
