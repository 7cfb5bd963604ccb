"use strict";
// What TypeScript and Babel emit for `import`s compiled to CommonJS.
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const express_1 = __importDefault(require("express"));
var _child_process = _interopRequireDefault(require("child_process"));
function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
const router = express_1.default.Router();
router.post('/convert', (req, res) => {
    (0, _child_process.default.exec)(`convert ${req.body.file} out.png`); // ruleid: command-injection
    _child_process.default.execFile('convert', [req.body.file, 'out.png']); // ok: command-injection
    res.sendStatus(202);
});
exports.default = router;
