"""A TCP proxy of the test's own between a subprocess and PostgreSQL, to make the database
unreachable for that subprocess alone (the shared server keeps running for everyone else).

`cut()` drops every open connection and refuses new ones (accepted, then closed at once,
as a restarting server would); `restore()` lets connections through again.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._changed = threading.Condition()
        self._open = True
        self._sockets: set[socket.socket] = set()
        self.refused = 0
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            with self._changed:
                if not self._open:
                    self.refused += 1
                    self._changed.notify_all()
                    client.close()
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=10)
                except OSError:
                    client.close()
                    continue
                upstream.settimeout(None)
                self._sockets |= {client, upstream}
                self.accepted += 1
                self._changed.notify_all()
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # the other direction closed it, or cut() did
        finally:
            self._drop(source)
            self._drop(sink)

    def _drop(self, sock: socket.socket) -> None:
        with self._changed:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def cut(self) -> None:
        with self._changed:
            self._open = False
            sockets = list(self._sockets)
        for sock in sockets:
            self._drop(sock)

    def restore(self) -> None:
        with self._changed:
            self._open = True

    def wait_refused(self, count: int, timeout: float) -> bool:
        """Block until `count` connection attempts were refused since the start."""
        with self._changed:
            return self._changed.wait_for(lambda: self.refused >= count, timeout)

    def close(self) -> None:
        self._listener.close()
        self.cut()
