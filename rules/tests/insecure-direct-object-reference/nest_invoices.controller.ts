import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

@Controller('invoices')
@UseGuards(AuthGuard('jwt'))
export class InvoicesController {
  @Get(':id') // ruleid: insecure-direct-object-reference
  findOne(@Param('id') id: string) {
    return prisma.invoice.findUnique({ where: { id } });
  }

  @Get(':id/mine') // ok: insecure-direct-object-reference
  findMine(@Param('id') id: string, @Req() req: any) {
    return prisma.invoice.findFirst({ where: { id, ownerId: req.user.id } });
  }
}
