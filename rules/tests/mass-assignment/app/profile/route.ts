import { NextRequest, NextResponse } from 'next/server';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function PUT(request: NextRequest) {
  const body = await request.json();
  // ruleid: mass-assignment
  const profile = await prisma.profile.update({ where: { id: body.id }, data: body });
  return NextResponse.json(profile);
}

export async function PATCH(request: NextRequest) {
  const { id, bio } = await request.json();
  // ok: mass-assignment
  const profile = await prisma.profile.update({ where: { id }, data: { bio } });
  return NextResponse.json(profile);
}
