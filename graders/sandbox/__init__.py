"""The practical grader's Docker sandbox: base images, safe builds and hardened runs.

Plain Python on top of the Docker SDK; no Django. Entry points: `images.ensure_base_images`,
`build.build_image`, `run.run_command` / `run.start_service` / `run.probe_http`, and
`scope.job_scope` / `scope.janitor` for cleanup.
"""
