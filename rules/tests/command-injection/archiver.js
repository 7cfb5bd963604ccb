const { execSync } = require('child_process');

function archive(dir) {
  return execSync('tar -czf /tmp/out.tgz ' + dir); // ruleid: command-injection
}

module.exports = { archive };
