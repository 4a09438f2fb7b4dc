# The vcscf image: `docker run --rm -v "$PWD:/work" IMAGE verify main.cf`.
# Built from this checkout: the package as npm pack makes it, installed globally on Node 20.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# prepare builds dist/ and the man pages into the package.
RUN npm pack --pack-destination /tmp

FROM node:20-bookworm-slim
COPY --from=build /tmp/vcs-powervm-*.tgz /tmp/
RUN npm install --global --no-audit --no-fund /tmp/vcs-powervm-*.tgz \
 && rm /tmp/vcs-powervm-*.tgz \
 && npm cache clean --force
WORKDIR /work
USER node
ENTRYPOINT ["vcscf"]
CMD ["--help"]
