"use strict";
var _express = _interopRequireDefault(require("express"));
var _child_process = _interopRequireDefault(require("child_process"));
function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
const app = (0, _express.default)();
// `exec` here runs a process, not a query: no SQL sink.
app.post('/tasks', (req, res) => {
    _child_process.default.exec(`task ${req.body.name}`); // ok: sql-injection
    res.sendStatus(202);
});
module.exports = app;
