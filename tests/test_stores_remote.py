"""FsspecStore and ObjectStore against a real S3-compatible server on
loopback: moto in server mode, started by these tests, behind a small HTTP
proxy that logs every request (method, key, Range header, how many were in
flight at once) and can inject failures and hangs. No client is mocked.

- conformance: the StoreTests suite of test_storage.py on both stores
- batching: a full read of N chunks is N concurrent GETs made by one fetch
  before one core call; a sharded partial read is one index GET per shard,
  then one coalesced range GET per shard
- interop: zarr-python 3.1.6 writes to the bucket and zarrnative reads, and
  the reverse (arrays, sharded arrays, v2, groups, consolidated metadata)
- bad input: a stopped server, a closed port, a server that never answers,
  500s in the middle of a read or a write: a clear error in bounded time,
  never a partial result
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import socket
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

import zarrnative
from zarrnative.storage import FsspecStore, ObjectStore, StoreError
from zarrnative.storage import _batch

from test_storage import StoreTests

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")
pytest.importorskip("s3fs")

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the server -------------------------------------------------------------------------------
class Proxy:
    """A threaded HTTP proxy in front of moto: forwards every request,
    records it, and applies the fault rules of the moment.

    ``log``: (method, key, range header) per request, in arrival order.
    ``max_in_flight``: the most GETs of objects served at once.
    ``fail``: a predicate (method, key) -> True to answer 500 instead.
    ``delay``: seconds each GET of an object waits before forwarding
    (makes overlap observable).
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.log: list[tuple[str, str, str | None]] = []
        self.fail = lambda method, key: False
        self.delay = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b""):
                                pass
                            return out
                        out += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                body = self._body()
                key = unquote(urlsplit(self.path).path).lstrip("/")
                object_get = self.command == "GET" and "/" in key and "list-type" not in self.path
                with proxy.lock:
                    proxy.log.append((self.command, key, self.headers.get("Range")))
                    if object_get:
                        proxy.in_flight += 1
                        proxy.max_in_flight = max(proxy.max_in_flight, proxy.in_flight)
                try:
                    if object_get and proxy.delay:
                        time.sleep(proxy.delay)
                    if proxy.fail(self.command, key):
                        payload = (b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>InternalError</Code>"
                                   b"<Message>injected failure</Message></Error>")
                        self.send_response(500)
                        self.send_header("Content-Type", "application/xml")
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                        return
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "transfer-encoding"}
                    headers["Content-Length"] = str(len(body))
                    conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=30)
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in ("transfer-encoding", "content-length", "connection", "server", "date"):
                            self.send_header(k, v)
                    length = resp.getheader("Content-Length") if self.command == "HEAD" else None
                    self.send_header("Content-Length", length or str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                    conn.close()
                finally:
                    if object_get:
                        with proxy.lock:
                            proxy.in_flight -= 1

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.max_in_flight = 0
        self.fail = lambda method, key: False
        self.delay = 0.0

    def gets(self, bucket: str) -> list[tuple[str, str | None]]:
        """(key, Range) of the object GETs in ``bucket``, in arrival order."""
        return [(k.split("/", 1)[1], r) for m, k, r in self.log
                if m == "GET" and k.startswith(bucket + "/") and "/" in k]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def moto():
    with pytest.MonkeyPatch.context() as mp:
        for k, v in CREDENTIALS.items():
            mp.setenv(k, v)
        port = free_port()
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        proxy = Proxy(port)
        yield proxy
        proxy.close()
        server.stop()


@pytest.fixture
def s3(moto):
    """A fresh bucket; the proxy's log and faults reset."""
    moto.reset()
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto.url, region_name="us-east-1").create_bucket(Bucket=bucket)
    moto.reset()
    return moto, bucket


def s3fs_options(url: str, **extra) -> dict:
    return {"endpoint_url": url, "key": "testing", "secret": "testing",
            "client_kwargs": {"region_name": "us-east-1"}, **extra}


def fast_failing_options(url: str) -> dict:
    """Short client timeouts, no retries: failures surface in about a second."""
    return s3fs_options(url, config_kwargs={"connect_timeout": 1, "read_timeout": 1,
                                                        "retries": {"max_attempts": 1, "mode": "standard"}})


def fsspec_store(url: str, bucket: str, path: str = "data.zarr", **kw) -> FsspecStore:
    return FsspecStore.from_url(f"s3://{bucket}/{path}", storage_options=s3fs_options(url), **kw)


def obstore_store(url: str, bucket: str, prefix: str = "data.zarr", **client) -> ObjectStore:
    from obstore.store import S3Store
    return ObjectStore(S3Store(bucket, prefix=prefix, endpoint=url, access_key_id="testing",
                               secret_access_key="testing", region="us-east-1",
                               client_options={"allow_http": True, **client}))


@pytest.fixture
def count_rounds(monkeypatch):
    """Counts fetch rounds and the PrefetchStore caches of batched reads
    (their ``misses`` must stay 0: nothing read one by one)."""
    rounds, caches = [], []
    real_view, real_prefetch = _batch._view, _batch._prefetch

    def view(native):
        v, cache = real_view(native)
        caches.append(cache)
        return v, cache

    def prefetch(store, cache, plan):
        def counted():
            requests = plan()
            if requests:
                rounds.append(requests)
            return requests
        return real_prefetch(store, cache, counted)

    monkeypatch.setattr(_batch, "_view", view)
    monkeypatch.setattr(_batch, "_prefetch", prefetch)
    return rounds, caches


# --- conformance -------------------------------------------------------------------------------
class TestFsspecStoreConformance(StoreTests):
    @pytest.fixture
    def store(self, s3):
        proxy, bucket = s3
        return fsspec_store(proxy.url, bucket)

    def test_str_and_from_url(self, s3):
        proxy, bucket = s3
        store = fsspec_store(proxy.url, bucket)
        assert str(store) == repr(store) == f"<FsspecStore(S3FileSystem, {bucket}/data.zarr)>"  # as zarr-python
        assert store.path == f"{bucket}/data.zarr"
        with pytest.raises(ValueError, match="scheme"):
            FsspecStore(store.fs, path="s3://x/y")


class TestObjectStoreConformance(StoreTests):
    @pytest.fixture
    def store(self, s3):
        proxy, bucket = s3
        return obstore_store(proxy.url, bucket)

    def test_type_check(self):
        with pytest.raises(TypeError):
            ObjectStore(object())


# --- arrays and groups through both stores -----------------------------------------------------
STORES = ["fsspec", "obstore"]


def make_store(kind: str, url: str, bucket: str, path: str = "data.zarr"):
    return fsspec_store(url, bucket, path) if kind == "fsspec" else obstore_store(url, bucket, path)


@pytest.mark.parametrize("kind", STORES)
def test_full_read_is_one_batch_of_concurrent_gets(s3, kind, count_rounds):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    data = np.arange(64 * 64, dtype="i4").reshape(64, 64)
    arr = zarrnative.create_array(store, name="a", shape=data.shape, chunks=(16, 16), dtype="i4")
    arr[...] = data
    rounds, caches = count_rounds
    rounds.clear()
    caches.clear()
    proxy.reset()
    proxy.delay = 0.05
    with zarrnative.config.set({"async.concurrency": 16}):
        t0 = time.perf_counter()
        got = arr[...]
        elapsed = time.perf_counter() - t0
    np.testing.assert_array_equal(got, data)
    gets = proxy.gets(bucket)
    assert len(gets) == 16 and {k for k, _ in gets} == {f"data.zarr/a/c/{i}/{j}" for i in range(4) for j in range(4)}
    assert all(r is None for _, r in gets)  # whole objects
    assert len(rounds) == 1 and len(rounds[0]) == 16  # one fetch of 16 keys...
    assert len(caches) == 1 and caches[0].misses == 0  # ...then one core call that read nothing else
    assert proxy.max_in_flight >= 8, proxy.max_in_flight  # the GETs overlapped
    assert elapsed < 16 * 0.05, elapsed  # far less than one after another


@pytest.mark.parametrize("kind", STORES)
def test_sharded_partial_read_is_index_then_coalesced_ranges(s3, kind, count_rounds):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    data = np.arange(40 * 40, dtype="f8").reshape(40, 40)
    arr = zarrnative.create_array(store, name="s", shape=data.shape, chunks=(5, 5), shards=(20, 20), dtype="f8")
    arr[...] = data
    rounds, caches = count_rounds
    rounds.clear()
    caches.clear()
    proxy.reset()
    got = arr[2:8, 12:28]  # parts of shards (0, 0) and (0, 1): 2 x 2 inner chunks in each
    np.testing.assert_array_equal(got, data[2:8, 12:28])
    gets = proxy.gets(bucket)
    assert len(rounds) == 2 and len(caches) == 1 and caches[0].misses == 0
    index_size = 16 * 16 + 4  # 16 inner chunks x (offset, nbytes) + crc32c
    assert sorted(gets[:2]) == [("data.zarr/s/c/0/0", f"bytes=-{index_size}"),
                                ("data.zarr/s/c/0/1", f"bytes=-{index_size}")]
    data_gets = gets[2:]
    assert sorted(k for k, _ in data_gets) == ["data.zarr/s/c/0/0", "data.zarr/s/c/0/1"]  # one per shard
    assert all(r is not None and not r.startswith("bytes=-") for _, r in data_gets)
    # a whole shard needs no index round trip: one GET of the object
    rounds.clear()
    proxy.reset()
    np.testing.assert_array_equal(arr[20:40, 0:20], data[20:40, 0:20])
    assert proxy.gets(bucket) == [("data.zarr/s/c/1/0", None)] and len(rounds) == 1


@pytest.mark.parametrize("kind", STORES)
def test_writes_are_one_concurrent_batch(s3, kind, count_rounds):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    arr = zarrnative.create_array(store, name="w", shape=(30, 30), chunks=(10, 10), dtype="u2", fill_value=7)
    proxy.reset()
    arr[...] = np.arange(900, dtype="u2").reshape(30, 30)
    puts = [k for m, k, _ in proxy.log if m == "PUT"]
    assert sorted(puts) == sorted(f"{bucket}/data.zarr/w/c/{i}/{j}" for i in range(3) for j in range(3))
    assert not proxy.gets(bucket)  # whole chunks: nothing read back
    proxy.reset()
    arr[5:15, 5] = 1  # partial chunks: read (one batch), merge, rewrite
    assert sorted(k for k, _ in proxy.gets(bucket)) == ["data.zarr/w/c/0/0", "data.zarr/w/c/1/0"]
    arr[0:10, 0:10] = 7  # the fill value: the chunk is deleted
    assert "data.zarr/w/c/0/0" not in store.list_prefix_sync("w/c/")
    expected = np.arange(900, dtype="u2").reshape(30, 30)
    expected[5:15, 5] = 1
    expected[0:10, 0:10] = 7
    np.testing.assert_array_equal(zarrnative.open_array(store, path="w", mode="r")[...], expected)


@pytest.mark.parametrize("kind", STORES)
def test_groups_points_and_resize(s3, kind):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    root = zarrnative.open_group(store, mode="w", attributes={"title": "ünïcode", "nested": {"a": [1, 2]}})
    sub = root.create_group("sub")
    a = sub.create_array("x", shape=(12, 12), chunks=(4, 4), dtype="f4")
    a[...] = np.ones((12, 12), "f4")
    a.vindex[[0, 11], [0, 11]] = [5, 6]
    np.testing.assert_array_equal(a.vindex[[0, 11, 3], [0, 11, 3]], [5, 6, 1])
    a.resize((8, 8))
    assert a.shape == (8, 8) and len(store.list_prefix_sync("sub/x/c/")) == 4
    again = zarrnative.open_group(make_store(kind, proxy.url, bucket), mode="r")
    assert again.attrs["title"] == "ünïcode" and again.attrs["nested"] == {"a": [1, 2]}
    assert list(again.group_keys()) == ["sub"] and list(again["sub"].array_keys()) == ["x"]
    assert again["sub/x"].shape == (8, 8)
    zarrnative.consolidate_metadata(store)
    cons = zarrnative.open_consolidated(make_store(kind, proxy.url, bucket), mode="r")
    assert cons["sub/x"][0, 0] == 5


def test_url_strings_and_storage_options(s3):
    proxy, bucket = s3
    url = f"s3://{bucket}/via-url.zarr"
    opts = s3fs_options(proxy.url)
    arr = zarrnative.create_array(url, shape=(10,), chunks=(5,), dtype="i8", storage_options=opts)
    arr[...] = np.arange(10)
    assert isinstance(arr.store, FsspecStore)
    np.testing.assert_array_equal(zarrnative.open_array(url, mode="r", storage_options=opts)[...], np.arange(10))
    np.testing.assert_array_equal(zarrnative.open(url, mode="r", storage_options=opts)[...], np.arange(10))
    g = zarrnative.open_group(f"s3://{bucket}/g.zarr", mode="w", storage_options=opts)
    g.create_array("y", shape=(3,), dtype="u1")
    assert list(zarrnative.open_group(f"s3://{bucket}/g.zarr", mode="r", storage_options=opts).array_keys()) == ["y"]
    with pytest.raises(TypeError, match="storage_options"):
        zarrnative.open_array("/tmp/not-a-url", mode="r", storage_options=opts)
    ro = zarrnative.open_array(url, mode="r", storage_options=opts)
    with pytest.raises(ValueError):
        ro[0] = 1


# --- interop with zarr-python on the same bucket ----------------------------------------------
zarr = pytest.importorskip("zarr")

CASES = {
    "v3": dict(chunks=(8, 8), zarr_format=3),
    "v3-sharded": dict(chunks=(4, 4), shards=(8, 8), zarr_format=3),
    "v2": dict(chunks=(8, 8), zarr_format=2),
}


def zarr_python_store(kind: str, url: str, bucket: str, path: str = "data.zarr", read_only: bool = False):
    if kind == "fsspec":
        return zarr.storage.FsspecStore.from_url(f"s3://{bucket}/{path}", storage_options=s3fs_options(url),
                                                 read_only=read_only)
    from obstore.store import S3Store
    return zarr.storage.ObjectStore(S3Store(bucket, prefix=path, endpoint=url, access_key_id="testing",
                                            secret_access_key="testing", region="us-east-1",
                                            client_options={"allow_http": True}), read_only=read_only)


@pytest.mark.parametrize("kind", STORES)
@pytest.mark.parametrize("case", list(CASES))
def test_we_read_what_zarr_python_writes(s3, kind, case):
    proxy, bucket = s3
    data = (np.arange(20 * 20, dtype="f8").reshape(20, 20) * 1.5)
    root = zarr.open_group(zarr_python_store(kind, proxy.url, bucket), mode="w", attributes={"who": "zarr-python"},
                           zarr_format=CASES[case]["zarr_format"])
    a = root.create_array("a", shape=data.shape, dtype="f8", fill_value=-1, **{k: v for k, v in CASES[case].items()
                                                                              if k != "zarr_format"})
    a[:, :17] = data[:, :17]
    ours = zarrnative.open_group(make_store(kind, proxy.url, bucket), mode="r")
    assert ours.attrs["who"] == "zarr-python"
    expected = data.copy()
    expected[:, 17:] = -1
    np.testing.assert_array_equal(ours["a"][...], expected)
    np.testing.assert_array_equal(ours["a"][3:11, 15:19], expected[3:11, 15:19])


@pytest.mark.parametrize("kind", STORES)
@pytest.mark.parametrize("case", list(CASES))
def test_zarr_python_reads_what_we_write(s3, kind, case):
    proxy, bucket = s3
    data = np.arange(20 * 20, dtype="i2").reshape(20, 20)
    root = zarrnative.open_group(make_store(kind, proxy.url, bucket), mode="w", attributes={"who": "zarrnative"},
                                 zarr_format=CASES[case]["zarr_format"])
    a = root.create_array("a", shape=data.shape, dtype="i2", **{k: v for k, v in CASES[case].items()
                                                                if k != "zarr_format"})
    a[...] = data
    a[0:3, 0:3] = 0
    theirs = zarr.open_group(zarr_python_store(kind, proxy.url, bucket, read_only=True), mode="r")
    assert theirs.attrs["who"] == "zarrnative"
    expected = data.copy()
    expected[0:3, 0:3] = 0
    np.testing.assert_array_equal(theirs["a"][...], expected)


# --- bad input: unreachable, failing and hanging servers --------------------------------------
def test_stopped_server_raises_quickly():
    with pytest.MonkeyPatch.context() as mp:
        for k, v in CREDENTIALS.items():
            mp.setenv(k, v)
        port = free_port()
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        url = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="gone")
        opts = fast_failing_options(url)
        store = FsspecStore.from_url("s3://gone/x.zarr", storage_options=opts)
        arr = zarrnative.create_array(store, shape=(8, 8), chunks=(4, 4), dtype="i4")
        arr[...] = 3
        server.stop()
        t0 = time.perf_counter()
        with pytest.raises(OSError) as info:
            arr[...]
        assert time.perf_counter() - t0 < 20
        assert "x.zarr/c/" in str(info.value) and "reading" in str(info.value)
        with pytest.raises(OSError):
            zarrnative.open_array(FsspecStore.from_url("s3://gone/x.zarr", storage_options=opts), mode="r")


@pytest.mark.parametrize("kind", STORES)
def test_closed_port_is_a_clear_error(kind):
    port = free_port()  # nothing listens there
    url = f"http://127.0.0.1:{port}"
    if kind == "fsspec":
        store = FsspecStore.from_url("s3://nobucket/x.zarr", storage_options=fast_failing_options(url))
    else:
        from obstore.store import S3Store
        store = ObjectStore(S3Store("nobucket", prefix="x.zarr", endpoint=url, access_key_id="testing",
                                    secret_access_key="testing", region="us-east-1",
                                    client_options={"allow_http": True, "timeout": "1s", "connect_timeout": "1s"},
                                    retry_config={"max_retries": 0, "retry_timeout": timedelta(seconds=1),
                                                  "backoff": {"init_backoff": timedelta(milliseconds=10),
                                                              "max_backoff": timedelta(milliseconds=10),
                                                              "base": 2}}))
    t0 = time.perf_counter()
    with pytest.raises(OSError):
        zarrnative.open_array(store, mode="r")
    with pytest.raises(OSError) as info:
        store.get_many_sync(["zarr.json", "c/0"])
    assert str(store) in str(info.value)
    assert time.perf_counter() - t0 < 30


@contextlib.contextmanager
def silent_server():
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    accepted = []
    stop = threading.Event()

    def serve():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        t.join()
        for c in accepted:
            c.close()
        sock.close()


def test_hanging_server_times_out_through_the_client():
    with silent_server() as url:
        store = FsspecStore.from_url("s3://b/x.zarr", storage_options=fast_failing_options(url))
        t0 = time.perf_counter()
        with pytest.raises(OSError):
            store.get_many_sync(["zarr.json"])
        assert time.perf_counter() - t0 < 30


def test_hanging_server_times_out_through_async_timeout():
    with silent_server() as url:
        # a client with no timeouts of its own: config["async.timeout"] bounds the wait
        store = FsspecStore.from_url("s3://b/x.zarr", storage_options=s3fs_options(
            url, config_kwargs={"read_timeout": 600, "connect_timeout": 600, "retries": {"max_attempts": 1}}))
        with zarrnative.config.set({"async.timeout": 1.5}):
            t0 = time.perf_counter()
            with pytest.raises(TimeoutError, match="async.timeout"):
                store.get_many_sync(["zarr.json", "a/c/0"])
            assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize("kind", STORES)
def test_errors_mid_read_raise_and_return_nothing(s3, kind):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    arr = zarrnative.create_array(store, name="a", shape=(16, 16), chunks=(4, 4), dtype="i4")
    arr[...] = 1
    out = np.full((16, 16), -9, dtype="i4")
    proxy.fail = lambda method, key: method == "GET" and key.endswith("a/c/2/3")
    with pytest.raises(OSError, match="a/c/2/3"):
        arr.get_basic_selection(..., out=out)
    assert (out == -9).all()  # nothing decoded: the failure came before the core call
    with pytest.raises(OSError):
        arr[...]
    proxy.fail = lambda method, key: False
    assert (arr[...] == 1).all()  # the store still works afterwards


@pytest.mark.parametrize("kind", STORES)
def test_errors_in_the_second_round_of_a_sharded_read(s3, kind):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    arr = zarrnative.create_array(store, name="s", shape=(16, 16), chunks=(4, 4), shards=(8, 8), dtype="i4")
    arr[...] = 2
    seen = []

    def fail_data_reads(method, key):  # index reads pass, the inner-chunk reads after them fail
        seen.append(method)
        return method == "GET" and key.endswith("s/c/1/1") and sum(m == "GET" for m in seen) > 1

    proxy.fail = fail_data_reads
    with pytest.raises(OSError, match="s/c/1/1"):
        arr[9:11, 9:11]


@pytest.mark.parametrize("kind", STORES)
def test_errors_mid_write_raise(s3, kind):
    proxy, bucket = s3
    store = make_store(kind, proxy.url, bucket)
    arr = zarrnative.create_array(store, name="a", shape=(16, 16), chunks=(4, 4), dtype="i4")
    proxy.fail = lambda method, key: method == "PUT" and key.endswith("a/c/1/1")
    with pytest.raises(OSError, match="a/c/1/1"):
        arr[...] = 5
    proxy.fail = lambda method, key: False
    assert arr[4, 4] == 0  # that chunk was never written: fill value, not a half-written chunk
