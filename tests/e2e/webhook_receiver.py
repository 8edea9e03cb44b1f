"""A chat webhook stand-in for the e2e tests: takes POSTs on 127.0.0.1, keeps each body as one
line of BODIES, and answers 200. The port it listens on is written to PORT_FILE.

usage: python3 webhook_receiver.py PORT_FILE BODIES
"""
import http.server
import os
import sys


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as bodies:
            bodies.write(self.path.encode() + b" " + self.headers.get("Content-Type", "").encode()
                         + b" " + body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
with open(sys.argv[1] + ".tmp", "w") as port_file:
    port_file.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
