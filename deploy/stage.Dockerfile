# syntax=docker/dockerfile:1
# One image recipe for every pipeline stage, built from this checkout by docker compose (context:
# the repository root, the stage as a build argument):
#   docker compose build collector-1          # or by hand:
#   docker build -f deploy/stage.Dockerfile --build-arg STAGE=sink -t cab-telemetry/sink .
# Stage 1 builds the stage's shaded jar with the project's own Maven wrapper; stage 2 is a JRE, the
# jar and an unprivileged user.
ARG STAGE

FROM eclipse-temurin:25-jdk AS build
ARG STAGE
WORKDIR /src
COPY . .
# The Maven cache mount keeps downloaded dependencies between image builds.
RUN --mount=type=cache,target=/root/.m2 \
    test -n "${STAGE}" || { echo "build with --build-arg STAGE=collector|streams|sink|alerts|dashboards" >&2; exit 2; }; \
    ./mvnw -B -q -DskipTests -pl "${STAGE}" -am package \
 && cp "${STAGE}"/target/cab-"${STAGE}"-*-all.jar /cab-stage.jar

FROM eclipse-temurin:25-jre
ARG STAGE
LABEL org.opencontainers.image.title="cab-telemetry ${STAGE}"
# /var/lib/cab-streams: Kafka Streams' state (RocksDB); the named volume mounted there takes this
# owner. Other stages keep nothing on disk.
RUN useradd --system --uid 10001 --home-dir /var/lib/cab cab \
 && mkdir -p /var/lib/cab-streams && chown cab /var/lib/cab-streams
COPY --from=build /cab-stage.jar /app/cab-stage.jar
USER cab
# 9464: metrics and health of every stage; the collector adds 4317/4318, the dashboards 8080.
EXPOSE 9464
ENTRYPOINT ["java", "-jar", "/app/cab-stage.jar"]
