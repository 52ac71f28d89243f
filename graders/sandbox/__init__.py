"""The practical grader's Docker sandbox: base images, safe builds and hardened runs.

Plain Python on top of the Docker SDK; no Django. Entry points:

- `images.ensure_base_images(client, catalog, cache_dir=...)`;
  from a shell: `python -m graders.sandbox.images`
- `build.build_image(client, job_id=..., files=..., allowed_bases=..., limits=BuildLimits())`
- `run.run_command`, `run.start_service`, `run.wait_healthy`, `run.probe_http`
- `http_exchange.exchange_http`: several requests in order from one probe container
- `scope.job_scope(client, job_id)` and `scope.janitor(client, older_than)` (both also in `run`)

Everything created for a job carries the label `org.quayside.job=<job id>`.
"""
