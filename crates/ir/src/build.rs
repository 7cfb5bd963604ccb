//! Building a [`Module`] while walking a syntax tree.
//!
//! A lowering holds one [`ModuleBuilder`] (the arena of expressions, the
//! names, the functions and classes) and one [`FnBuilder`] per function it
//! is inside of: the function's blocks under construction and the block
//! statements go to. Control flow is built by ending the current block
//! ([`FnBuilder::terminate`], [`FnBuilder::branch`], [`FnBuilder::join`])
//! and moving to another; a statement pushed after the current block has
//! ended (code after `return`) goes to a fresh block nothing reaches.

use crate::{
    Block, BlockId, Class, ClassId, CommentSyntax, Const, Export, Expr, ExprId, FuncId, FuncKind,
    Function, Import, Module, Names, Span, Stmt, Sym, Terminator,
};

pub struct ModuleBuilder {
    m: Module,
}

impl ModuleBuilder {
    /// A module with its top-level function ([`FuncId::MODULE`]) created;
    /// lower its body with `FnBuilder::new(FuncId::MODULE)`.
    pub fn new(path: &str, id: &str, lang: &str) -> ModuleBuilder {
        let mut names = Names::default();
        let name = names.intern("<module>");
        ModuleBuilder {
            m: Module {
                path: path.to_string(),
                id: id.to_string(),
                lang: lang.to_string(),
                names,
                exprs: Vec::new(),
                spans: Vec::new(),
                functions: vec![Function {
                    kind: FuncKind::Module,
                    name,
                    qualified: "<module>".into(),
                    params: Vec::new(),
                    decorators: Vec::new(),
                    parent: None,
                    class: None,
                    receiver: None,
                    outer_names: Vec::new(),
                    is_async: false,
                    is_generator: false,
                    accessor: None,
                    is_static: false,
                    param_decorators: Vec::new(),
                    span: Span::default(),
                    blocks: Vec::new(),
                }],
                classes: Vec::new(),
                imports: Vec::new(),
                exports: Vec::new(),
                truncated: None,
                comments: CommentSyntax::default(),
            },
        }
    }

    /// Room for `exprs` more expressions in the arena.
    pub fn reserve(&mut self, exprs: usize) {
        self.m.exprs.reserve(exprs);
        self.m.spans.reserve(exprs);
    }

    pub fn intern(&mut self, name: &str) -> Sym {
        self.m.names.intern(name)
    }

    /// The module built so far (to read back expressions and names).
    /// How the language writes comments (for evidence that leaves them out).
    pub fn set_comments(&mut self, c: CommentSyntax) {
        self.m.comments = c;
    }

    pub fn module(&self) -> &Module {
        &self.m
    }

    pub fn expr(&mut self, e: Expr, span: Span) -> ExprId {
        let id = ExprId(self.m.exprs.len() as u32);
        self.m.exprs.push(e);
        self.m.spans.push(span);
        id
    }

    /// Shorthands, mostly for building modules by hand in tests.
    pub fn name(&mut self, name: &str, span: Span) -> ExprId {
        let s = self.intern(name);
        self.expr(Expr::Name(s), span)
    }
    pub fn str(&mut self, text: &str, span: Span) -> ExprId {
        self.expr(Expr::Const(Const::Str(text.into())), span)
    }
    pub fn field(&mut self, obj: ExprId, name: &str, span: Span) -> ExprId {
        let name = self.intern(name);
        self.expr(
            Expr::Field {
                obj,
                name,
                optional: false,
            },
            span,
        )
    }
    /// `a.b.c` as names and fields.
    pub fn path(&mut self, dotted: &str, span: Span) -> ExprId {
        let mut parts = dotted.split('.');
        let first = parts.next().unwrap_or_default();
        let mut e = self.name(first, span);
        for p in parts {
            e = self.field(e, p, span);
        }
        e
    }
    /// A call with positional arguments.
    pub fn call(&mut self, callee: ExprId, args: &[ExprId], span: Span) -> ExprId {
        let args = args
            .iter()
            .map(|a| crate::Arg {
                kind: crate::ArgKind::Positional,
                value: *a,
            })
            .collect();
        self.expr(
            Expr::Call {
                callee,
                args,
                new: false,
            },
            span,
        )
    }

    pub fn import(&mut self, local: &str, module: &str, member: Option<&str>, span: Span) {
        let local = self.intern(local);
        self.m.imports.push(Import {
            local,
            module: module.to_string(),
            member: member.map(str::to_string),
            span,
        });
    }

    pub fn export(&mut self, name: &str, local: &str, span: Span) {
        let local = self.intern(local);
        self.m.exports.push(Export {
            name: name.to_string(),
            local,
            span,
        });
    }

    /// Note that the lowering stopped short at `span` (the first place is
    /// kept).
    pub fn truncate(&mut self, span: Span) {
        if self.m.truncated.is_none() {
            self.m.truncated = Some(span);
        }
    }

    /// A new function (its blocks come from [`FnBuilder::finish`]).
    pub fn function(
        &mut self,
        kind: FuncKind,
        name: &str,
        qualified: &str,
        parent: Option<FuncId>,
        span: Span,
    ) -> FuncId {
        let id = FuncId(self.m.functions.len() as u32);
        let name = self.intern(name);
        self.m.functions.push(Function {
            kind,
            name,
            qualified: qualified.to_string(),
            params: Vec::new(),
            decorators: Vec::new(),
            parent,
            class: None,
            receiver: None,
            outer_names: Vec::new(),
            is_async: false,
            is_generator: false,
            accessor: None,
            is_static: false,
            param_decorators: Vec::new(),
            span,
            blocks: Vec::new(),
        });
        id
    }

    pub fn func_mut(&mut self, f: FuncId) -> &mut Function {
        &mut self.m.functions[f.index()]
    }

    pub fn class(&mut self, name: &str, qualified: &str, span: Span) -> ClassId {
        let id = ClassId(self.m.classes.len() as u32);
        let name = self.intern(name);
        self.m.classes.push(Class {
            name,
            qualified: qualified.to_string(),
            bases: Vec::new(),
            decorators: Vec::new(),
            methods: Vec::new(),
            fields: Vec::new(),
            static_fields: Vec::new(),
            span,
        });
        id
    }

    pub fn class_mut(&mut self, c: ClassId) -> &mut Class {
        &mut self.m.classes[c.index()]
    }

    /// The module. Functions whose bodies were never built get one block
    /// returning nothing.
    pub fn finish(mut self) -> Module {
        for f in &mut self.m.functions {
            if f.blocks.is_empty() {
                f.blocks.push(Block {
                    stmts: Vec::new(),
                    term: Terminator::Return(None),
                    term_span: f.span,
                    handler: None,
                });
            }
        }
        self.m
    }
}

/// One function's control-flow graph under construction.
pub struct FnBuilder {
    func: FuncId,
    blocks: Vec<Block>,
    /// Whether each block still takes statements (not yet terminated).
    open: Vec<bool>,
    cur: BlockId,
    handlers: Vec<BlockId>,
    loops: Vec<(BlockId, BlockId)>,
}

impl FnBuilder {
    /// A builder positioned at the function's entry block.
    pub fn new(func: FuncId) -> FnBuilder {
        let mut b = FnBuilder {
            func,
            blocks: Vec::new(),
            open: Vec::new(),
            cur: BlockId::ENTRY,
            handlers: Vec::new(),
            loops: Vec::new(),
        };
        b.cur = b.new_block();
        b
    }

    pub fn func(&self) -> FuncId {
        self.func
    }

    /// A new, empty block under the current exception handler.
    pub fn new_block(&mut self) -> BlockId {
        let id = BlockId(self.blocks.len() as u32);
        self.blocks.push(Block {
            stmts: Vec::new(),
            term: Terminator::Unreachable,
            term_span: Span::default(),
            handler: self.handlers.last().copied(),
        });
        self.open.push(true);
        id
    }

    pub fn current(&self) -> BlockId {
        self.cur
    }

    /// Continue in `b`.
    pub fn switch_to(&mut self, b: BlockId) {
        self.cur = b;
    }

    /// Whether the current block still takes statements: false after a
    /// `return`, `raise`, `break`…
    pub fn is_open(&self) -> bool {
        self.open[self.cur.index()]
    }

    /// The current block if control can still fall out of it.
    pub fn end(&self) -> Option<BlockId> {
        self.is_open().then_some(self.cur)
    }

    fn ensure_open(&mut self) {
        if !self.is_open() {
            self.cur = self.new_block();
        }
    }

    pub fn push(&mut self, stmt: Stmt, span: Span) {
        self.ensure_open();
        self.blocks[self.cur.index()].stmts.push((stmt, span));
    }

    /// End the current block (a no-op when it has ended already).
    pub fn terminate(&mut self, term: Terminator, span: Span) {
        if !self.is_open() {
            return;
        }
        let b = &mut self.blocks[self.cur.index()];
        b.term = term;
        b.term_span = span;
        self.open[self.cur.index()] = false;
    }

    pub fn goto(&mut self, target: BlockId) {
        self.terminate(Terminator::Goto(target), Span::default());
    }

    /// End the current block with a branch on `cond` to two new blocks;
    /// returns them (then, other). The builder is left on neither.
    pub fn branch(&mut self, cond: ExprId, span: Span) -> (BlockId, BlockId) {
        self.ensure_open();
        let (t, o) = (self.new_block(), self.new_block());
        self.terminate(
            Terminator::Branch {
                cond,
                then: t,
                other: o,
            },
            span,
        );
        (t, o)
    }

    /// A new block that every open end in `ends` falls into; the builder
    /// moves to it (unreachable when no end is open).
    pub fn join(&mut self, ends: &[Option<BlockId>]) -> BlockId {
        let j = self.new_block();
        for e in ends.iter().flatten() {
            if self.open[e.index()] {
                self.cur = *e;
                self.goto(j);
            }
        }
        self.cur = j;
        j
    }

    /// Enter a loop: `continue` goes to `cont`, `break` to `brk`.
    pub fn push_loop(&mut self, cont: BlockId, brk: BlockId) {
        self.loops.push((cont, brk));
    }
    pub fn pop_loop(&mut self) {
        self.loops.pop();
    }
    pub fn break_target(&self) -> Option<BlockId> {
        self.loops.last().map(|l| l.1)
    }
    pub fn continue_target(&self) -> Option<BlockId> {
        self.loops.last().map(|l| l.0)
    }

    /// Blocks made from now on run under handler `h` (a `try` body).
    pub fn push_handler(&mut self, h: BlockId) {
        self.handlers.push(h);
    }
    pub fn pop_handler(&mut self) {
        self.handlers.pop();
    }

    /// Store the graph in the module. A block still open falls off the end
    /// of the function: it returns nothing.
    pub fn finish(mut self, m: &mut ModuleBuilder) {
        for (i, open) in self.open.iter().enumerate() {
            if *open {
                self.blocks[i].term = Terminator::Return(None);
            }
        }
        m.func_mut(self.func).blocks = self.blocks;
    }
}
