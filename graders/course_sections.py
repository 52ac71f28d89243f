"""The sections of course module 1.1 (Docker basics) that grading feedback can cite.

Slugs match the section headings' anchors in the course text, so a result can link to the
paragraph that teaches the rule it checks.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CourseSection:
    number: int
    slug: str
    title: str


CONTAINERS_VS_VMS = CourseSection(
    1,
    "understanding-containers-vs-virtual-machines",
    "Understanding Containers vs Virtual Machines",
)
DOCKER_ARCHITECTURE = CourseSection(2, "docker-architecture", "Docker Architecture")
PRODUCTION_DOCKERFILES = CourseSection(
    3, "writing-production-ready-dockerfiles", "Writing Production-Ready Dockerfiles"
)
MULTI_STAGE_BUILDS = CourseSection(
    4, "multi-stage-builds-for-optimization", "Multi-Stage Builds for Optimization"
)
NETWORKING_BASICS = CourseSection(5, "docker-networking-basics", "Docker Networking Basics")
CONTAINER_SECURITY = CourseSection(
    6, "container-security-best-practices", "Container Security Best Practices"
)
ESSENTIAL_COMMANDS = CourseSection(7, "essential-docker-commands", "Essential Docker Commands")

COURSE_SECTIONS = (
    CONTAINERS_VS_VMS,
    DOCKER_ARCHITECTURE,
    PRODUCTION_DOCKERFILES,
    MULTI_STAGE_BUILDS,
    NETWORKING_BASICS,
    CONTAINER_SECURITY,
    ESSENTIAL_COMMANDS,
)
