FROM node:20 AS onbuild-base
WORKDIR /app
ONBUILD COPY package.json /app/
ONBUILD RUN npm install
onbuild run ["echo", "exec form trigger"]

FROM onbuild-base AS app
CMD ["node", "server.js"]
