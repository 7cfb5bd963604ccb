import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

@Controller('reports')
export class ReportsController {
  @Get('sales')
  async sales(@Query('region') region: string) {
    // ruleid: sql-injection
    return prisma.$queryRawUnsafe(`SELECT sum(total) FROM sales WHERE region = '${region}'`);
  }

  @Get('sales-safe')
  async salesSafe(@Query('region') region: string) {
    // ok: sql-injection
    return prisma.$queryRaw`SELECT sum(total) FROM sales WHERE region = ${region}`;
  }
}
