"""Exit 0 when the API answers /health, 1 otherwise: use it as the image's HEALTHCHECK."""

import os
import sys
import urllib.request

PORT = int(os.environ.get("PORT", "8000"))

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
